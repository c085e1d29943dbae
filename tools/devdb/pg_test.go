package main

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

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
