package main

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// A table with more dead rows than autovacuum allows is vacuumed, and only that one. Against
// a database of its own (testDatabase).
func TestVacuumDead(t *testing.T) {
	ctx := context.Background()
	pool := testDatabase(t, "vacuum")

	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE SCHEMA s`,
		`CREATE TABLE s.updated (id int PRIMARY KEY, v int)`,
		`CREATE TABLE s.appended (id int PRIMARY KEY)`,
		`INSERT INTO s.updated SELECT g, 0 FROM generate_series(1, 1000) g`,
		`INSERT INTO s.appended SELECT g FROM generate_series(1, 1000) g`,
		`UPDATE s.updated SET v = 1`,
		`SELECT pg_stat_force_next_flush()`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	conn.Release()

	dead := func() (n int64) {
		q := `SELECT n_dead_tup FROM pg_stat_user_tables WHERE schemaname = 's' AND relname = 'updated'`
		if err := pool.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Counts reach the statistics within a second of the flush.
	for deadline := time.Now().Add(5 * time.Second); dead() < 1000 && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
	if n := dead(); n < 1000 {
		t.Fatalf("dead rows before: %d, want 1000", n)
	}

	tables, err := vacuumDead(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if want := (pgx.Identifier{"s", "updated"}).Sanitize(); len(tables) != 1 || tables[0] != want {
		t.Fatalf("vacuumed %v, want [%s]", tables, want)
	}
	if n := dead(); n != 0 {
		t.Fatalf("dead rows after: %d, want 0", n)
	}
	if tables, err := vacuumDead(ctx, pool); err != nil || len(tables) != 0 {
		t.Fatalf("a second pass vacuumed %v (%v), want none", tables, err)
	}
}
