package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
)

// front accepts MongoDB clients and relays each connection, message by message, to a
// connection of its own to FerretDB, taking writeLocks around the commands that need them and
// letting the indexer look at each command once its reply is back.
type front struct {
	dial    func(ctx context.Context) (net.Conn, error) // a new connection to FerretDB
	locks   writeLocks
	slots   writeSlots // nil: unbounded (tests)
	indexer *indexer   // may be nil (tests)
}

func (f *front) serve(ctx context.Context, ln net.Listener) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	go func() {
		<-ctx.Done()
		ln.Close()
	}()
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			f.relay(ctx, conn)
		}()
	}
}

func (f *front) relay(ctx context.Context, client net.Conn) {
	defer client.Close()
	upstream, err := f.dial(ctx)
	if err != nil {
		slog.Error("devdb: cannot reach FerretDB", "err", err)
		return
	}
	defer upstream.Close()

	// Closing both ends unblocks the reads below at shutdown.
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			client.Close()
			upstream.Close()
		case <-done:
		}
	}()

	err = f.exchange(bufio.NewReader(client), client, bufio.NewReader(upstream), upstream)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
		slog.Debug("devdb: connection closed", "err", err)
	}
}

// exchange relays requests read from cr to uw and their replies read from ur to cw until a
// side closes. FerretDB handles one request at a time per connection and answers every
// request with exactly one message, even an OP_MSG with moreToCome set (its clientconn loop
// always writes a response); so after each request devdb reads one reply, and more while a
// reply has moreToCome set (exhaust), and gives the client none when its request had
// moreToCome set, as the protocol says.
func (f *front) exchange(cr io.Reader, cw io.Writer, ur io.Reader, uw io.Writer) error {
	for {
		req, err := readMessage(cr)
		if err != nil {
			return err
		}
		cmd := parseCommand(req)
		noReply := moreToCome(req)

		releaseLocks := f.locks.acquire(cmd)
		releaseSlot := f.slots.acquire(cmd)
		release := func() {
			releaseSlot()
			releaseLocks()
		}
		var last []byte
		if _, err = uw.Write(req); err == nil {
			for {
				var rep []byte
				if rep, err = readMessage(ur); err != nil {
					break
				}
				if !moreToCome(rep) {
					last = rep
					break
				}
				// more replies follow (exhaust): hand this one over at once
				if !noReply {
					if _, err = cw.Write(rep); err != nil {
						break
					}
				}
			}
		}
		release()
		if err != nil {
			return err
		}

		if f.indexer != nil && cmd.name != "" && replyOK(last) {
			f.indexer.afterReply(cmd)
		}
		if noReply {
			continue
		}
		if _, err = cw.Write(last); err != nil {
			return err
		}
	}
}
