// Command devdb runs FerretDB embedded with its SQLite backend: a MongoDB wire-compatible
// stand-in for development and CI machines that have no MongoDB (SPEC §8).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	addr := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dir := flag.String("dir", ".devdb", "directory holding the SQLite files")
	// WAL with synchronous=NORMAL survives a crash of any process; only a power cut may lose the
	// last commits. FULL (SQLite's default) fsyncs every commit and caps writes at disk speed.
	params := flag.String("sqlite-params", "_pragma=synchronous(normal)", "query parameters of the SQLite URL")
	flag.Parse()

	absDir, err := filepath.Abs(*dir)
	if err != nil {
		log.Fatalf("devdb: bad -dir: %v", err)
	}
	if err := os.MkdirAll(absDir, 0o755); err != nil {
		log.Fatalf("devdb: cannot create %s: %v", absDir, err)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *addr},
		Handler:   "sqlite",
		SQLiteURL: "file:" + absDir + "/?" + *params,
	})
	if err != nil {
		log.Fatalf("devdb: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	go indexLookups(ctx, absDir, 200*time.Millisecond)

	fmt.Printf("devdb: listening on %s (sqlite in %s)\n", *addr, absDir)
	if err := <-done; err != nil && ctx.Err() == nil {
		log.Fatalf("devdb: %v", err)
	}
}
