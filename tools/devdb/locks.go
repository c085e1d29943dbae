package main

import "sync"

// keyedLocks is a set of read-write locks named by strings, each existing while in use.
type keyedLocks struct {
	mu    sync.Mutex
	locks map[string]*keyedLock
}

type keyedLock struct {
	sync.RWMutex
	users int // holders and waiters; the entry is removed when it drops to 0
}

func (k *keyedLocks) acquire(key string, shared bool) (release func()) {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*keyedLock{}
	}
	l := k.locks[key]
	if l == nil {
		l = &keyedLock{}
		k.locks[key] = l
	}
	l.users++
	k.mu.Unlock()

	if shared {
		l.RLock()
	} else {
		l.Lock()
	}
	return func() {
		if shared {
			l.RUnlock()
		} else {
			l.Unlock()
		}
		k.mu.Lock()
		if l.users--; l.users == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
}

// writeLocks makes FerretDB's read-then-write-back commands atomic per document, as they are
// on MongoDB. FerretDB 1.24 runs update, findAndModify and delete as a query followed by a
// write of each matched document by _id, with no lock and no re-check; two such commands on
// the same document can both read it before either writes. So such a command holds its
// collection's lock exclusively from being forwarded until its reply is back, except that a
// command whose one statement's filter pins a single _id (a string or an ObjectID) holds the
// collection lock shared and a lock on that _id exclusively: commands on different documents
// run side by side, commands on the same document one after the other, and a command that may
// touch any document waits for all of them. Locks are always taken collection first, at most
// one _id per connection, so they cannot deadlock.
type writeLocks struct {
	colls keyedLocks
	ids   keyedLocks
}

// needsLock: the commands FerretDB runs as a query then a blind write. These also hold two of
// FerretDB's PostgreSQL connections at once: the query's rows stay open while each matched
// document is written in a transaction of its own.
func needsLock(name string) bool {
	switch name {
	case "update", "delete", "findAndModify", "findandmodify":
		return true
	}
	return false
}

// acquire takes the locks c needs and returns their release; a no-op for other commands.
func (w *writeLocks) acquire(c command) (release func()) {
	if !needsLock(c.name) || c.coll == "" {
		return func() {}
	}
	ns := c.db + "\x00" + c.coll
	id := ""
	if filter, ok := writeFilter(c); ok {
		id = idKey(filter)
	}
	if id == "" {
		return w.colls.acquire(ns, false)
	}
	releaseColl := w.colls.acquire(ns, true)
	releaseID := w.ids.acquire(ns+"\x00"+id, false)
	return func() {
		releaseID()
		releaseColl()
	}
}

// writeSlots bounds how many query-then-write commands are forwarded to FerretDB at once. Each
// holds one connection of FerretDB's pool (its open query) while it waits for a second (its
// write); with as many of them in flight as the pool has connections, every connection is
// held by one waiting for another and none ever finishes. Fewer slots than connections leave
// the rest to commands that need one connection and give it back, so a write that holds one
// always gets its second. A command takes its slot after its locks, so a slot is only ever
// held by a command that can go on.
type writeSlots chan struct{}

func newWriteSlots(n int) writeSlots { return make(writeSlots, n) }

// acquire takes a slot for c when it needs one and returns its release.
func (s writeSlots) acquire(c command) (release func()) {
	if s == nil || !needsLock(c.name) {
		return func() {}
	}
	s <- struct{}{}
	return func() { <-s }
}
