package main

// The few bytes of the MongoDB wire protocol devdb reads:
// https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/
//
// Every message starts with a 16-byte little-endian header
// (messageLength, requestID, responseTo, opCode). An OP_MSG (2013) continues with
// flagBits (uint32) and sections: kind 0 is one BSON document (the command), kind 1 is a
// size-prefixed document sequence; an optional CRC-32C follows when flag bit 0 is set.
// Everything else (OP_QUERY, OP_REPLY, OP_COMPRESSED, ...) devdb relays without looking in.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/bsontype"
)

const (
	headerLen = 16
	opMsg     = 2013

	flagChecksumPresent = 1 << 0
	flagMoreToCome      = 1 << 1

	// maxMessageLen is MongoDB's maxMessageSizeBytes (48 MB) with room for the header.
	maxMessageLen = 48_000_000 + 16*1024
)

// readMessage reads one whole wire message, header included.
func readMessage(r io.Reader) ([]byte, error) {
	var length [4]byte
	if _, err := io.ReadFull(r, length[:]); err != nil {
		return nil, err
	}
	n := int(int32(binary.LittleEndian.Uint32(length[:])))
	if n < headerLen || n > maxMessageLen {
		return nil, fmt.Errorf("wire: message length %d out of range", n)
	}
	msg := make([]byte, n)
	copy(msg, length[:])
	if _, err := io.ReadFull(r, msg[4:]); err != nil {
		return nil, err
	}
	return msg, nil
}

func opCode(msg []byte) int32 { return int32(binary.LittleEndian.Uint32(msg[12:16])) }

// msgFlags returns the flagBits of an OP_MSG, 0 for any other message.
func msgFlags(msg []byte) uint32 {
	if opCode(msg) != opMsg || len(msg) < headerLen+4 {
		return 0
	}
	return binary.LittleEndian.Uint32(msg[16:20])
}

// moreToCome: on a request, the sender expects no reply; on a reply, more replies follow.
func moreToCome(msg []byte) bool { return msgFlags(msg)&flagMoreToCome != 0 }

// msgBody returns the kind-0 section (the command document) of an OP_MSG.
func msgBody(msg []byte) (bson.Raw, error) {
	if opCode(msg) != opMsg {
		return nil, errors.New("wire: not an OP_MSG")
	}
	if len(msg) < headerLen+4 {
		return nil, errors.New("wire: OP_MSG too short")
	}
	end := len(msg)
	if msgFlags(msg)&flagChecksumPresent != 0 {
		end -= 4
	}
	for pos := headerLen + 4; pos < end; {
		kind := msg[pos]
		pos++
		if end-pos < 4 {
			return nil, errors.New("wire: truncated section")
		}
		size := int(int32(binary.LittleEndian.Uint32(msg[pos:])))
		if size < 4 || size > end-pos {
			return nil, fmt.Errorf("wire: section size %d out of range", size)
		}
		switch kind {
		case 0:
			doc := bson.Raw(msg[pos : pos+size])
			if err := doc.Validate(); err != nil {
				return nil, fmt.Errorf("wire: command document: %w", err)
			}
			return doc, nil
		case 1: // a document sequence; its size counts itself, the identifier and the documents
		default:
			return nil, fmt.Errorf("wire: unknown section kind %d", kind)
		}
		pos += size
	}
	return nil, errors.New("wire: OP_MSG without a kind-0 section")
}

// command is what devdb knows of a request.
type command struct {
	name string   // the command, the body's first key ("" when the request is not an OP_MSG command)
	coll string   // its value when that is a string: the collection for collection commands
	db   string   // $db
	body bson.Raw // the kind-0 section
}

// parseCommand reads the command of an OP_MSG request; any other message gives a zero command.
func parseCommand(msg []byte) command {
	body, err := msgBody(msg)
	if err != nil {
		return command{}
	}
	first, err := body.IndexErr(0)
	if err != nil {
		return command{}
	}
	c := command{name: first.Key(), body: body}
	if s, ok := first.Value().StringValueOK(); ok {
		c.coll = s
	}
	if s, ok := body.Lookup("$db").StringValueOK(); ok {
		c.db = s
	}
	return c
}

// replyOK: the reply is an OP_MSG whose body has ok: 1.
func replyOK(msg []byte) bool {
	body, err := msgBody(msg)
	if err != nil {
		return false
	}
	v, err := body.LookupErr("ok")
	if err != nil {
		return false
	}
	switch v.Type {
	case bsontype.Double:
		return v.Double() == 1
	case bsontype.Int32:
		return v.Int32() == 1
	case bsontype.Int64:
		return v.Int64() == 1
	case bsontype.Boolean:
		return v.Boolean()
	}
	return false
}

// writeFilter returns the filter of the single statement of an update, delete or
// findAndModify, and false when there is not exactly one statement in the body (several
// statements, or statements sent as a kind-1 document sequence).
func writeFilter(c command) (bson.Raw, bool) {
	switch c.name {
	case "findAndModify", "findandmodify":
		q, ok := c.body.Lookup("query").DocumentOK()
		if !ok { // no query matches every document
			return nil, false
		}
		return q, true
	case "update", "delete":
		field, key := "updates", "q"
		if c.name == "delete" {
			field = "deletes"
		}
		stmts, ok := c.body.Lookup(field).ArrayOK()
		if !ok {
			return nil, false
		}
		values, err := stmts.Values()
		if err != nil || len(values) != 1 {
			return nil, false
		}
		stmt, ok := values[0].DocumentOK()
		if !ok {
			return nil, false
		}
		q, ok := stmt.Lookup(key).DocumentOK()
		return q, ok
	}
	return nil, false
}

// idKey returns a key naming the one document a filter can match when the filter has
// exactly one top-level `_id` and it is a string or an ObjectID (types whose equality is
// byte equality, unlike numbers: 1, 1.0 and NumberLong(1) are the same _id); else "".
func idKey(filter bson.Raw) string {
	elems, err := filter.Elements()
	if err != nil {
		return ""
	}
	key := ""
	for _, e := range elems {
		if e.Key() != "_id" {
			continue
		}
		if key != "" { // a second _id: leave such filters to the collection lock
			return ""
		}
		v := e.Value()
		switch v.Type {
		case bsontype.String:
			key = "s:" + v.StringValue()
		case bsontype.ObjectID:
			key = "o:" + v.ObjectID().Hex()
		default:
			return ""
		}
	}
	return key
}
