package main

import (
	"context"
	"log"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// devdb's own vacuum, where PostgreSQL's autovacuum is off (as in this machine's CI
// configuration). Every FerretDB update writes a new row and leaves the old one dead, with an
// entry in each of the table's indexes; without vacuum they stay, and every write and lookup
// wades through more of them as the day goes on. MongoDB reclaims such space itself, so the
// stand-in does too: each table whose dead rows pass autovacuum's default threshold is
// vacuumed (plain VACUUM: it blocks no read or write, and analyzes nothing, so no plan changes).
const (
	vacuumEvery = 30 * time.Second
	// autovacuum_vacuum_threshold and autovacuum_vacuum_scale_factor's defaults.
	vacuumThreshold   = 50
	vacuumScaleFactor = 0.2
)

// startVacuum runs vacuumDead every vacuumEvery until ctx ends, unless autovacuum is on.
func startVacuum(ctx context.Context, pool *pgxpool.Pool) {
	var autovacuum string
	if err := pool.QueryRow(ctx, `SHOW autovacuum`).Scan(&autovacuum); err != nil {
		log.Printf("devdb: vacuum: %v", err)
		return
	}
	if autovacuum == "on" {
		return
	}
	go func() {
		ticker := time.NewTicker(vacuumEvery)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
			}
			if _, err := vacuumDead(ctx, pool); err != nil && ctx.Err() == nil {
				log.Printf("devdb: vacuum: %v", err)
			}
		}
	}()
}

// vacuumDead vacuums each table of the database with more dead rows than autovacuum would
// allow, and answers which.
func vacuumDead(ctx context.Context, pool *pgxpool.Pool) ([]string, error) {
	rows, err := pool.Query(ctx, `SELECT schemaname, relname FROM pg_stat_user_tables
		WHERE n_dead_tup > $1 + $2 * n_live_tup`, vacuumThreshold, vacuumScaleFactor)
	if err != nil {
		return nil, err
	}
	var tables []string
	for rows.Next() {
		var schema, table string
		if err := rows.Scan(&schema, &table); err != nil {
			rows.Close()
			return nil, err
		}
		tables = append(tables, pgx.Identifier{schema, table}.Sanitize())
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, table := range tables {
		if _, err := pool.Exec(ctx, `VACUUM `+table); err != nil {
			return nil, err
		}
	}
	return tables, nil
}
