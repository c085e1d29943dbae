// Command devdb is the MongoDB stand-in of development and CI machines that have no MongoDB
// (SPEC §8): FerretDB 1.24 embedded with its PostgreSQL backend, behind a small wire-protocol
// front that makes single-document writes atomic and equality lookups index-served, as they
// are on MongoDB. See README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

func main() {
	addr := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on for MongoDB clients")
	pgURL := flag.String("postgresql-url", "postgres://postgres@127.0.0.1:5432/slotbook_devdb",
		"PostgreSQL database to keep the data in; created when missing")
	drop := flag.Bool("drop-database", false, "drop the database of -postgresql-url and exit")
	flag.Parse()

	// devdb's live heap is a few MB, so at Go's default (GOGC=100) a collection ran every ~60 ms
	// under load, each costing ~8 ms of CPU (mostly mark workers on the otherwise idle P): a third
	// of devdb's CPU at 150 booking creates/s. At 400 the heap may grow to five times the live
	// one (~16 MB) and collections are a fifth as frequent. GOGC in the environment still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *drop {
		if err := dropDatabase(ctx, *pgURL); err != nil {
			log.Fatalf("devdb: %v", err)
		}
		return
	}
	if err := run(ctx, *addr, *pgURL); err != nil {
		log.Fatalf("devdb: %v", err)
	}
}

func run(ctx context.Context, addr, pgURL string) error {
	pgURL = plainOnLoopback(pgURL)
	if err := createDatabase(ctx, pgURL); err != nil {
		return err
	}

	pool, err := pgxpool.New(ctx, pgURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	var lz4 bool
	err = pool.QueryRow(ctx, `SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'`).Scan(&lz4)
	if err != nil {
		return err
	}
	ferretURL, err := ferretDBURL(pgURL, lz4)
	if err != nil {
		return err
	}
	startVacuum(ctx, pool)

	// FerretDB listens on a Unix socket only devdb knows of.
	dir, err := os.MkdirTemp("", "devdb-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	socket := filepath.Join(dir, "ferretdb.sock")

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{Unix: socket},
		Handler:       "postgresql",
		PostgreSQLURL: ferretURL,
		// FerretDB logs every client connection's start and stop at INFO
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}

	ferretDone := make(chan error, 1)
	go func() { ferretDone <- f.Run(ctx) }()

	fr := &front{
		dial: func(ctx context.Context) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", socket)
		},
		slots:   newWriteSlots(ferretPoolSize / 2),
		indexer: newIndexer(pool),
	}
	frontDone := make(chan error, 1)
	go func() { frontDone <- fr.serve(ctx, ln) }()

	fmt.Printf("devdb: listening on %s (FerretDB on PostgreSQL %s)\n", ln.Addr(), redact(pgURL))

	select {
	case err = <-frontDone:
	case err = <-ferretDone:
	}
	if ctx.Err() != nil {
		return nil
	}
	if err == nil {
		err = errors.New("stopped unexpectedly")
	}
	return err
}

// gcPercent is devdb's GOGC when the environment sets none (see main).
const gcPercent = 400

// ferretPoolSize is how many PostgreSQL connections FerretDB may open (its own default, stated
// here because devdb's writeSlots are sized from it).
const ferretPoolSize = 50

// ferretDBURL returns the URL FerretDB connects with: a pool of ferretPoolSize connections, and
// as runtime parameters of every connection:
//   - plan_cache_mode=force_custom_plan: FerretDB filters by `_jsonb->$1 @> $2` and pgx caches
//     prepared statements; after five executions PostgreSQL may switch such a statement to a
//     generic plan, in which the key is an unknown parameter and no expression index applies.
//     A custom plan sees the key as a constant, so the GIN indexes keep serving.
//   - synchronous_commit=off: a write is answered before its WAL reaches the disk, as a
//     standalone MongoDB answers w:1 before its journal commit; a crash of devdb loses nothing
//     answered, only a crash of PostgreSQL's machine may lose the last fraction of a second.
//   - default_toast_compression=lz4, where the server has it: a document over ~2 kB (a mail
//     record with its letter) is compressed on each write and decompressed on each read, and
//     lz4 takes about half pglz's CPU for it (20,000 mail records inserted: 218–221 ms against
//     362–481 ms with pglz, on this machine's PostgreSQL 15).
func ferretDBURL(pgURL string, lz4 bool) (string, error) {
	u, err := url.Parse(pgURL)
	if err != nil {
		return "", fmt.Errorf("bad -postgresql-url: %w", err)
	}
	q := u.Query()
	q.Set("plan_cache_mode", "force_custom_plan")
	q.Set("synchronous_commit", "off")
	if lz4 {
		q.Set("default_toast_compression", "lz4")
	}
	q.Set("pool_max_conns", strconv.Itoa(ferretPoolSize))
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// plainOnLoopback adds sslmode=disable to a URL whose hosts are all loopback addresses, unless
// it or PGSSLMODE chooses a mode. pgx's default (prefer) otherwise runs every connection to a
// server with ssl = on (Debian's default) over TLS, even on 127.0.0.1: both devdb and the
// PostgreSQL backend then encrypt and decrypt every message, for no protection (whoever can
// read the loopback interface is root on the machine).
func plainOnLoopback(pgURL string) string {
	u, err := url.Parse(pgURL)
	if err != nil || u.Host == "" || os.Getenv("PGSSLMODE") != "" {
		return pgURL
	}
	q := u.Query()
	if q.Has("sslmode") || q.Has("host") {
		return pgURL
	}
	for _, h := range strings.Split(u.Host, ",") {
		if host, _, err := net.SplitHostPort(h); err == nil {
			h = host
		}
		h = strings.Trim(h, "[]")
		if ip := net.ParseIP(h); h != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return pgURL
		}
	}
	q.Set("sslmode", "disable")
	u.RawQuery = q.Encode()
	return u.String()
}

// maintenance connects to the `postgres` database of the server of pgURL and returns the name
// of pgURL's database.
func maintenance(ctx context.Context, pgURL string) (*pgx.Conn, string, error) {
	cfg, err := pgx.ParseConfig(pgURL)
	if err != nil {
		return nil, "", fmt.Errorf("bad -postgresql-url: %w", err)
	}
	name := cfg.Database
	if name == "" || name == "postgres" {
		return nil, "", fmt.Errorf("-postgresql-url must name a database of devdb's own, not %q", name)
	}
	cfg.Database = "postgres"
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, "", fmt.Errorf("cannot connect to PostgreSQL at %s: %w", redact(pgURL), err)
	}
	return conn, name, nil
}

// createDatabase creates pgURL's database when it does not exist, with the encoding and
// locale FerretDB requires (UTF8; C).
func createDatabase(ctx context.Context, pgURL string) error {
	conn, name, err := maintenance(ctx, pgURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())

	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	q := fmt.Sprintf(`CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`,
		pgx.Identifier{name}.Sanitize())
	_, err = conn.Exec(ctx, q)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42P04" { // duplicate_database: made meanwhile
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot create database %s: %w", name, err)
	}
	slog.Info("devdb: created PostgreSQL database", "name", name)
	return nil
}

func dropDatabase(ctx context.Context, pgURL string) error {
	conn, name, err := maintenance(ctx, pgURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, pgx.Identifier{name}.Sanitize()))
	return err
}

// redact hides a password in a URL for logging.
func redact(pgURL string) string {
	u, err := url.Parse(pgURL)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}
