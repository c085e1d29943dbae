package main

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// testDatabase is a PostgreSQL database of the test's own, dropped after it, on the server of
// DEVDB_POSTGRESQL_URL (default postgres://postgres@127.0.0.1:5432).
func testDatabase(t *testing.T, name string) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	server := os.Getenv("DEVDB_POSTGRESQL_URL")
	if server == "" {
		server = "postgres://postgres@127.0.0.1:5432"
	}
	pgURL := plainOnLoopback(fmt.Sprintf("%s/devdb_%s_test_%d", server, name, time.Now().UnixNano()))
	if err := createDatabase(ctx, pgURL); err != nil {
		t.Fatalf("no PostgreSQL to test against: %v", err)
	}
	t.Cleanup(func() { _ = dropDatabase(context.Background(), pgURL) })
	pool, err := pgxpool.New(ctx, pgURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// ferretCollection makes, in schema s, what FerretDB keeps of a collection in table t: the
// schema's metadata table and the table with its unique `_id` btree; then runs more statements.
func ferretCollection(t *testing.T, pool *pgxpool.Pool, more ...string) {
	t.Helper()
	for _, q := range append([]string{
		`CREATE SCHEMA s`,
		`CREATE TABLE s._ferretdb_database_metadata (_jsonb jsonb)`,
		`CREATE TABLE s.t (_jsonb jsonb)`,
		`CREATE UNIQUE INDEX t__id_idx ON s.t ((_jsonb->'_id'))`,
	}, more...) {
		if _, err := pool.Exec(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// indexNames lists the indexes of schema s whose names are LIKE pattern, in order.
func indexNames(t *testing.T, pool *pgxpool.Pool, pattern string) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT indexname FROM pg_indexes WHERE schemaname = 's' AND indexname LIKE $1 ORDER BY 1`, pattern)
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return names
}
