package main

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
)

// buildMsg builds an OP_MSG: a kind-0 section with body, then a kind-1 section per sequence.
func buildMsg(t *testing.T, requestID int32, flags uint32, body any, sequences map[string][]any) []byte {
	t.Helper()
	b, err := bson.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	var msg bytes.Buffer
	msg.Write(make([]byte, headerLen))
	binary.Write(&msg, binary.LittleEndian, flags)
	msg.WriteByte(0)
	msg.Write(b)
	for id, docs := range sequences {
		var seq bytes.Buffer
		seq.WriteString(id)
		seq.WriteByte(0)
		for _, d := range docs {
			db, err := bson.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			seq.Write(db)
		}
		msg.WriteByte(1)
		binary.Write(&msg, binary.LittleEndian, int32(4+seq.Len()))
		msg.Write(seq.Bytes())
	}
	if flags&flagChecksumPresent != 0 {
		msg.Write([]byte{0, 0, 0, 0}) // devdb never checks it
	}
	out := msg.Bytes()
	binary.LittleEndian.PutUint32(out[0:], uint32(len(out)))
	binary.LittleEndian.PutUint32(out[4:], uint32(requestID))
	binary.LittleEndian.PutUint32(out[12:], opMsg)
	return out
}

func TestParseCommand(t *testing.T) {
	cases := []struct {
		name string
		msg  []byte
		want command
		more bool
	}{
		{
			name: "update with its statements in the body",
			msg: buildMsg(t, 1, 0, bson.D{{Key: "update", Value: "bookings"}, {Key: "updates", Value: bson.A{
				bson.D{{Key: "q", Value: bson.D{{Key: "_id", Value: "b1"}}}, {Key: "u", Value: bson.D{}}},
			}}, {Key: "$db", Value: "booking"}}, nil),
			want: command{name: "update", coll: "bookings", db: "booking"},
		},
		{
			name: "insert with its documents in a kind-1 sequence, kind 0 not first",
			msg: func() []byte {
				m := buildMsg(t, 2, 0, bson.D{{Key: "insert", Value: "users"}, {Key: "$db", Value: "identity"}},
					map[string][]any{"documents": {bson.D{{Key: "_id", Value: "u1"}}}})
				// move the kind-1 section in front of the kind-0 one
				body := m[headerLen+4:]
				n := int(binary.LittleEndian.Uint32(body[1:]))
				kind0 := append([]byte{}, body[:1+n]...)
				rest := append([]byte{}, body[1+n:]...)
				copy(body, append(rest, kind0...))
				return m
			}(),
			want: command{name: "insert", coll: "users", db: "identity"},
		},
		{
			name: "unacknowledged delete",
			msg: buildMsg(t, 3, flagMoreToCome, bson.D{{Key: "delete", Value: "slots"}, {Key: "deletes", Value: bson.A{}},
				{Key: "$db", Value: "availability"}}, nil),
			want: command{name: "delete", coll: "slots", db: "availability"},
			more: true,
		},
		{
			name: "checksum present",
			msg:  buildMsg(t, 4, flagChecksumPresent, bson.D{{Key: "findAndModify", Value: "c"}, {Key: "$db", Value: "d"}}, nil),
			want: command{name: "findAndModify", coll: "c", db: "d"},
		},
		{
			name: "a command whose value is not a collection",
			msg:  buildMsg(t, 5, 0, bson.D{{Key: "ping", Value: 1}, {Key: "$db", Value: "admin"}}, nil),
			want: command{name: "ping", db: "admin"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := parseCommand(tc.msg)
			if got.name != tc.want.name || got.coll != tc.want.coll || got.db != tc.want.db {
				t.Errorf("parseCommand = {%q %q %q}, want {%q %q %q}",
					got.name, got.coll, got.db, tc.want.name, tc.want.coll, tc.want.db)
			}
			if moreToCome(tc.msg) != tc.more {
				t.Errorf("moreToCome = %v, want %v", moreToCome(tc.msg), tc.more)
			}
		})
	}
}

func TestParseCommandIgnoresOtherMessages(t *testing.T) {
	// an OP_QUERY (2004) header and some bytes
	msg := make([]byte, 40)
	binary.LittleEndian.PutUint32(msg[0:], 40)
	binary.LittleEndian.PutUint32(msg[12:], 2004)
	if c := parseCommand(msg); c.name != "" {
		t.Errorf("OP_QUERY parsed as command %q", c.name)
	}
	if moreToCome(msg) {
		t.Error("OP_QUERY has no moreToCome")
	}
	// a truncated OP_MSG
	m := buildMsg(t, 1, 0, bson.D{{Key: "update", Value: "c"}}, nil)
	binary.LittleEndian.PutUint32(m[headerLen+5:], 1<<20)
	if c := parseCommand(m); c.name != "" {
		t.Errorf("corrupt OP_MSG parsed as command %q", c.name)
	}
}

func TestReadMessage(t *testing.T) {
	a := buildMsg(t, 1, 0, bson.D{{Key: "ping", Value: 1}}, nil)
	b := buildMsg(t, 2, 0, bson.D{{Key: "hello", Value: 1}}, nil)
	r := bytes.NewReader(append(append([]byte{}, a...), b...))
	for _, want := range [][]byte{a, b} {
		got, err := readMessage(r)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("readMessage = %x, %v; want %x", got, err, want)
		}
	}
	if _, err := readMessage(r); err != io.EOF {
		t.Errorf("at the end: %v, want EOF", err)
	}
	bad := []byte{3, 0, 0, 0}
	if _, err := readMessage(bytes.NewReader(bad)); err == nil {
		t.Error("a length below the header size was accepted")
	}
}

func TestReplyOK(t *testing.T) {
	for _, tc := range []struct {
		ok   any
		want bool
	}{{1.0, true}, {int32(1), true}, {0.0, false}, {"1", false}} {
		if got := replyOK(buildMsg(t, 1, 0, bson.D{{Key: "ok", Value: tc.ok}}, nil)); got != tc.want {
			t.Errorf("ok: %v: replyOK = %v", tc.ok, got)
		}
	}
}

func TestIDKey(t *testing.T) {
	oid := primitive.NewObjectID()
	for _, tc := range []struct {
		filter bson.D
		want   string
	}{
		{bson.D{{Key: "_id", Value: "a"}}, "s:a"},
		{bson.D{{Key: "_id", Value: "a"}, {Key: "v", Value: 3}}, "s:a"},
		{bson.D{{Key: "_id", Value: oid}}, "o:" + oid.Hex()},
		{bson.D{{Key: "_id", Value: 1}}, ""},                                        // numbers: 1 == 1.0 == NumberLong(1)
		{bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{"a"}}}}}, ""}, // operators
		{bson.D{{Key: "_id", Value: "a"}, {Key: "_id", Value: "b"}}, ""},            // two _ids
		{bson.D{{Key: "userId", Value: "a"}}, ""},
		{bson.D{}, ""},
	} {
		raw, _ := bson.Marshal(tc.filter)
		if got := idKey(raw); got != tc.want {
			t.Errorf("idKey(%v) = %q, want %q", tc.filter, got, tc.want)
		}
	}
}

func TestWriteFilter(t *testing.T) {
	stmt := func(q bson.D) bson.D { return bson.D{{Key: "q", Value: q}, {Key: "u", Value: bson.D{}}} }
	id := bson.D{{Key: "_id", Value: "x"}}
	for _, tc := range []struct {
		name string
		body bson.D
		want string // idKey of the filter, "-" when there is no single filter
	}{
		{"update, one statement", bson.D{{Key: "update", Value: "c"}, {Key: "updates", Value: bson.A{stmt(id)}}}, "s:x"},
		{"update, two statements", bson.D{{Key: "update", Value: "c"}, {Key: "updates", Value: bson.A{stmt(id), stmt(id)}}}, "-"},
		{"update, statements in a sequence", bson.D{{Key: "update", Value: "c"}}, "-"},
		{"delete", bson.D{{Key: "delete", Value: "c"}, {Key: "deletes", Value: bson.A{stmt(id)}}}, "s:x"},
		{"findAndModify", bson.D{{Key: "findAndModify", Value: "c"}, {Key: "query", Value: id}}, "s:x"},
		{"findAndModify without a query", bson.D{{Key: "findAndModify", Value: "c"}}, "-"},
	} {
		c := parseCommand(buildMsg(t, 1, 0, tc.body, nil))
		f, ok := writeFilter(c)
		got := "-"
		if ok {
			got = idKey(f)
		}
		if got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestWriteLocksExclude(t *testing.T) {
	var w writeLocks
	cmd := func(filter bson.D) command {
		return parseCommand(buildMsg(t, 1, 0, bson.D{{Key: "update", Value: "c"}, {Key: "updates", Value: bson.A{
			bson.D{{Key: "q", Value: filter}}}}, {Key: "$db", Value: "d"}}, nil))
	}
	sameDoc := cmd(bson.D{{Key: "_id", Value: "a"}})
	otherDoc := cmd(bson.D{{Key: "_id", Value: "b"}})
	anyDoc := cmd(bson.D{{Key: "v", Value: 1}})

	var inside, most atomic.Int32
	run := func(c command, wg *sync.WaitGroup) {
		defer wg.Done()
		release := w.acquire(c)
		n := inside.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(2 * time.Millisecond)
		inside.Add(-1)
		release()
	}
	for _, tc := range []struct {
		name  string
		cmds  []command
		limit int32
	}{
		{"same _id: one at a time", []command{sameDoc, sameDoc, sameDoc, sameDoc}, 1},
		{"any document: one at a time", []command{anyDoc, sameDoc, anyDoc, sameDoc, anyDoc}, 1},
	} {
		most.Store(0)
		var wg sync.WaitGroup
		for _, c := range tc.cmds {
			wg.Add(1)
			go run(c, &wg)
		}
		wg.Wait()
		if most.Load() > tc.limit {
			t.Errorf("%s: %d held the locks at once", tc.name, most.Load())
		}
	}

	// different _ids run side by side
	release := w.acquire(sameDoc)
	done := make(chan struct{})
	go func() { w.acquire(otherDoc)(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Error("an update of another _id waited for the first")
	}
	release()
	if len(w.colls.locks) != 0 || len(w.ids.locks) != 0 {
		t.Errorf("locks left behind: %d collections, %d ids", len(w.colls.locks), len(w.ids.locks))
	}
}

// TestWriteSlotsBound: at most n query-then-write commands hold a slot at once; other
// commands never wait for one.
func TestWriteSlotsBound(t *testing.T) {
	slots := newWriteSlots(2)
	doc := func(name string) command {
		return parseCommand(buildMsg(t, 1, 0, bson.D{{Key: name, Value: "c"}, {Key: "$db", Value: "d"}}, nil))
	}
	releaseA := slots.acquire(doc("update"))
	releaseB := slots.acquire(doc("delete"))
	third := make(chan struct{})
	go func() { slots.acquire(doc("findAndModify"))(); close(third) }()
	select {
	case <-third:
		t.Fatal("a third write took a slot while two were held")
	case <-time.After(50 * time.Millisecond):
	}
	for _, name := range []string{"find", "insert", "aggregate"} {
		done := make(chan struct{})
		go func() { slots.acquire(doc(name))(); close(done) }()
		select {
		case <-done:
		case <-time.After(time.Second):
			t.Errorf("%s waited for a write slot", name)
		}
	}
	releaseA()
	select {
	case <-third:
	case <-time.After(time.Second):
		t.Error("the third write did not get the freed slot")
	}
	releaseB()
	if len(slots) != 0 {
		t.Errorf("%d slots left held", len(slots))
	}
}

// TestExchange relays through the front with a fake FerretDB that answers every request, as
// FerretDB does, and checks that the client gets no reply to a moreToCome request.
func TestExchange(t *testing.T) {
	clientSide, frontClient := net.Pipe()
	frontUp, serverSide := net.Pipe()
	f := &front{}
	go func() {
		_ = f.exchange(frontClient, frontClient, frontUp, frontUp)
		frontClient.Close()
		frontUp.Close()
	}()
	go func() { // the fake FerretDB: one reply per request, responseTo = requestID
		for {
			req, err := readMessage(serverSide)
			if err != nil {
				return
			}
			rep := buildMsg(t, 100, 0, bson.D{{Key: "ok", Value: 1.0}}, nil)
			copy(rep[8:12], req[4:8])
			if _, err := serverSide.Write(rep); err != nil {
				return
			}
		}
	}()

	send := func(id int32, flags uint32) {
		t.Helper()
		if _, err := clientSide.Write(buildMsg(t, id, flags, bson.D{{Key: "insert", Value: "c"}, {Key: "$db", Value: "d"}}, nil)); err != nil {
			t.Fatal(err)
		}
	}
	send(1, flagMoreToCome) // unacknowledged: FerretDB's answer must not reach the client
	send(2, 0)
	_ = clientSide.SetReadDeadline(time.Now().Add(5 * time.Second))
	rep, err := readMessage(clientSide)
	if err != nil {
		t.Fatal(err)
	}
	if got := int32(binary.LittleEndian.Uint32(rep[8:12])); got != 2 {
		t.Errorf("first reply the client got answers request %d, want 2", got)
	}
	clientSide.Close()
	serverSide.Close()
}

func TestGinIndexSQL(t *testing.T) {
	q, ok := ginIndexSQL("booking", "bookings_1a2b3c4d", "userId")
	if !ok || !strings.Contains(q, `USING gin ((_jsonb->'userId')) WITH (fastupdate = off)`) || !strings.HasPrefix(q, `CREATE INDEX CONCURRENTLY IF NOT EXISTS "bookings_1a2b3c4d_userid_`) {
		t.Errorf("top-level field: %s", q)
	}
	q, ok = ginIndexSQL("d", "t", `a.b'c`)
	if !ok || !strings.Contains(q, `((_jsonb#>'{"a","b''c"}'::text[]))`) {
		t.Errorf("dotted path: %s", q)
	}
	if _, ok := ginIndexSQL("d", "t", "a..b"); ok {
		t.Error("a path with an empty element was accepted")
	}
	long := ginIndexName(strings.Repeat("t", 63), strings.Repeat("f", 100))
	if len(long) > 63 || ginIndexName("t1", "f") == ginIndexName("t2", "f") {
		t.Errorf("index names: %q", long)
	}
}
