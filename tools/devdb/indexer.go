package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // the driver FerretDB itself uses
)

// FerretDB 1.24 looks documents up by `_ferretdb_sjson->'$._id'` but indexes
// `_ferretdb_sjson->"_id"`; SQLite uses an expression index only for the very same
// expression, so every lookup by _id scans its whole table. This adds, for every collection,
// an index on the expression the queries use. It changes no data and no query result.
func indexLookups(ctx context.Context, dir string, every time.Duration) {
	done := map[string]bool{}
	for {
		files, _ := filepath.Glob(filepath.Join(dir, "*.sqlite"))
		for _, file := range files {
			if err := indexFile(ctx, file, done); err != nil {
				slog.Debug("devdb: indexing skipped", "file", file, "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

func indexFile(ctx context.Context, file string, done map[string]bool) error {
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()

	rows, err := db.QueryContext(ctx, `SELECT table_name FROM _ferretdb_collections`)
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var table string
		if err := rows.Scan(&table); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, table)
	}
	rows.Close()

	for _, table := range tables {
		key := file + "/" + table
		if done[key] {
			continue
		}
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, table+"__id_lookup", table)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return err
		}
		done[key] = true
	}
	return nil
}
