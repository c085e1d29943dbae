package main

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// indexer makes FerretDB's equality queries index-served. FerretDB's PostgreSQL backend
// pushes a top-level equality {f: v} down as `_jsonb->'f' @> v` (`_jsonb#>'{a,b}' @> v` for
// a dotted path; internal/backends/postgresql/query.go) but builds its own indexes as btree on
// `(_jsonb->'f')`, which `@>` cannot use, so every query is a sequential scan. The indexer adds
// a GIN index on exactly the expression the queries use, on the first key field of every index
// the client declares with createIndexes (not on `_id`, which the patched query.go pushes down
// as `=`, served by FerretDB's unique btree). It changes no data and no result; it only lets
// PostgreSQL find the candidate rows from an index.
type indexer struct {
	pool *pgxpool.Pool

	work sync.Mutex // serialises the PostgreSQL side, so that two connections never race to create one index

	mu    sync.Mutex
	colls map[string]*collState // by database + "\x00" + collection
}

type collState struct {
	absent bool            // FerretDB had no table for it when last looked at
	gen    int             // bumped when the collection is dropped or renamed
	fields map[string]bool // fields whose GIN index exists
	swept  bool            // what an earlier devdb built and nothing reads is dropped (sweep)
}

func newIndexer(pool *pgxpool.Pool) *indexer {
	return &indexer{pool: pool, colls: map[string]*collState{}}
}

// afterReply looks at a command FerretDB has just answered with ok: 1, before its reply goes
// back to the client, so that the indexes exist when the client sees the command done.
func (ix *indexer) afterReply(c command) {
	switch c.name {
	case "insert", "update", "findAndModify", "findandmodify", "create":
		// may have created the collection
		ix.ensure(c.db, c.coll, nil, false)
	case "createIndexes":
		ix.ensure(c.db, c.coll, declaredFields(c), false)
	case "find", "count", "distinct", "aggregate", "delete":
		// a collection created before this devdb started (or not at all)
		ix.ensure(c.db, c.coll, nil, true)
	case "drop":
		ix.forget(c.db, c.coll)
	case "dropDatabase":
		ix.forget(c.db, "")
	case "renameCollection":
		for _, ns := range []string{c.coll, c.body.Lookup("to").StringValue()} {
			if db, coll, ok := strings.Cut(ns, "."); ok {
				ix.forget(db, coll)
			}
		}
	}
}

// declaredFields returns the first key field of each index of a createIndexes command: as on
// MongoDB, a compound index serves equalities on its prefix, and a query that names the first
// field narrows by it; a GIN index on a later field would cost every write and serve nothing.
func declaredFields(c command) []string {
	var fields []string
	indexes, ok := c.body.Lookup("indexes").ArrayOK()
	if !ok {
		return nil
	}
	values, _ := indexes.Values()
	for _, v := range values {
		spec, ok := v.DocumentOK()
		if !ok {
			continue
		}
		key, ok := spec.Lookup("key").DocumentOK()
		if !ok {
			continue
		}
		// _id is served by FerretDB's own unique index (the patched query.go pushes it down as =).
		if first, err := key.IndexErr(0); err == nil && first.Key() != "_id" {
			fields = append(fields, first.Key())
		}
	}
	return fields
}

// forget drops what is known of a collection (of every collection of db when coll is ""):
// its table may be gone, and a collection made again under that name gets a new table.
func (ix *indexer) forget(db, coll string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for key, st := range ix.colls {
		d, c, _ := strings.Cut(key, "\x00")
		if d == db && (coll == "" || c == coll) {
			st.gen++
			st.absent = false
			st.fields = map[string]bool{}
		}
	}
}

// ensure creates the missing GIN indexes on fields of a collection's table. onlyIfKnown
// skips a collection that had no table when last looked at (a read does not create one).
func (ix *indexer) ensure(db, coll string, fields []string, onlyIfKnown bool) {
	if db == "" || coll == "" {
		return
	}
	key := db + "\x00" + coll

	ix.mu.Lock()
	st := ix.colls[key]
	if st == nil {
		st = &collState{fields: map[string]bool{}}
		ix.colls[key] = st
	}
	var missing []string
	for _, f := range fields {
		if !st.fields[f] && !contains(missing, f) {
			missing = append(missing, f)
		}
	}
	gen, skip, swept := st.gen, onlyIfKnown && st.absent, st.swept
	ix.mu.Unlock()
	if (len(missing) == 0 && swept) || skip {
		return
	}

	ix.work.Lock()
	defer ix.work.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	table, err := ix.table(ctx, db, coll)
	if err != nil {
		slog.Warn("devdb: cannot read FerretDB's metadata", "db", db, "collection", coll, "err", err)
		return
	}
	var made []string
	swept = swept || table == ""
	if !swept {
		swept = ix.sweep(ctx, db, coll, table)
	}
	if table != "" {
		for _, f := range missing {
			q, ok := ginIndexSQL(db, table, f)
			if !ok {
				made = append(made, f) // not a path FerretDB pushes down; nothing to do
				continue
			}
			if _, err := ix.pool.Exec(ctx, q); err != nil {
				slog.Warn("devdb: cannot create index", "db", db, "collection", coll, "field", f, "err", err)
				continue
			}
			made = append(made, f)
		}
	}

	ix.mu.Lock()
	defer ix.mu.Unlock()
	if st.gen != gen { // dropped meanwhile: what was made went with the table
		return
	}
	st.absent = table == ""
	st.swept = swept
	for _, f := range made {
		st.fields[f] = true
	}
}

// sweep drops what devdb versions before 2026-12-07 built for a collection and no query reads
// any more: the GIN index on `_id` (the patched query.go pushes _id down as `=`, served by
// FerretDB's unique btree), and the btrees FerretDB built for non-unique indexes (equalities
// are pushed down as `@>`, served by the GIN indexes; the patched metadata/registry.go no
// longer builds them, and its metadata keeps the indexes, so listIndexes answers as before).
// It reports whether the collection is swept.
func (ix *indexer) sweep(ctx context.Context, db, coll, table string) bool {
	drop := fmt.Sprintf(`DROP INDEX IF EXISTS %s`, pgx.Identifier{db, ginIndexName(table, "_id")}.Sanitize())
	if _, err := ix.pool.Exec(ctx, drop); err != nil {
		slog.Warn("devdb: cannot drop an unread index", "db", db, "collection", coll, "err", err)
		return false
	}
	q := fmt.Sprintf(
		`SELECT i->>'pgindex' FROM %s m, jsonb_array_elements(m._jsonb->'indexes') i
		 WHERE m._jsonb->'_id' = to_jsonb($1::text) AND i->'unique' = 'false'::jsonb`,
		pgx.Identifier{db, "_ferretdb_database_metadata"}.Sanitize(),
	)
	rows, err := ix.pool.Query(ctx, q, coll)
	if err != nil {
		slog.Warn("devdb: cannot read FerretDB's indexes", "db", db, "collection", coll, "err", err)
		return false
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		slog.Warn("devdb: cannot read FerretDB's indexes", "db", db, "collection", coll, "err", err)
		return false
	}
	for _, name := range names {
		drop = fmt.Sprintf(`DROP INDEX IF EXISTS %s`, pgx.Identifier{db, name}.Sanitize())
		if _, err := ix.pool.Exec(ctx, drop); err != nil {
			slog.Warn("devdb: cannot drop an unread index", "db", db, "index", name, "err", err)
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// table returns the PostgreSQL table FerretDB keeps a collection in, "" when there is none.
// A MongoDB database is a schema; its `_ferretdb_database_metadata` table holds one document
// per collection, {_id: collection name, table: table name, ...}
// (internal/backends/postgresql/metadata/registry.go).
func (ix *indexer) table(ctx context.Context, db, coll string) (string, error) {
	q := fmt.Sprintf(
		`SELECT _jsonb->>'table' FROM %s WHERE _jsonb->'_id' = to_jsonb($1::text)`,
		pgx.Identifier{db, "_ferretdb_database_metadata"}.Sanitize(),
	)
	var table string
	err := ix.pool.QueryRow(ctx, q, coll).Scan(&table)
	var pgErr *pgconn.PgError
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return "", nil
	case errors.As(err, &pgErr) && pgErr.Code == "42P01": // undefined_table: no such database yet
		return "", nil
	case err != nil:
		return "", err
	}
	return table, nil
}

var nonIdentifier = regexp.MustCompile(`[^a-z0-9_]+`)

// ginIndexSQL returns the CREATE INDEX statement for a GIN index on the expression FerretDB
// filters field by: `_jsonb->'field'`, or `_jsonb#>'{a,b}'` for the dotted path a.b. It
// reports false for a field FerretDB never pushes down (empty path elements, operators).
func ginIndexSQL(schema, table, field string) (string, bool) {
	parts := strings.Split(field, ".")
	for _, p := range parts {
		if p == "" || strings.HasPrefix(p, "$") {
			return "", false
		}
	}
	var expr string
	if len(parts) == 1 {
		expr = "_jsonb->" + quoteLiteral(field)
	} else {
		elems := make([]string, len(parts))
		for i, p := range parts {
			elems[i] = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(p) + `"`
		}
		expr = "_jsonb#>" + quoteLiteral("{"+strings.Join(elems, ",")+"}") + "::text[]"
	}
	return fmt.Sprintf(
		`CREATE INDEX IF NOT EXISTS %s ON %s USING gin ((%s)) WITH (fastupdate = off)`,
		pgx.Identifier{ginIndexName(table, field)}.Sanitize(),
		pgx.Identifier{schema, table}.Sanitize(),
		expr,
	), true
}

// ginIndexName is unique per table and field, at most 63 bytes (PostgreSQL's limit), and
// ends in _gin, so it never clashes with FerretDB's own index names (which end in _idx).
func ginIndexName(table, field string) string {
	h := fnv.New32a()
	h.Write([]byte(table + "\x00" + field))
	t := truncate(table, 30)
	f := truncate(nonIdentifier.ReplaceAllString(strings.ToLower(field), "_"), 18)
	return fmt.Sprintf("%s_%s_%08x_gin", t, f, h.Sum32())
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// quoteLiteral quotes s as an SQL string literal (standard_conforming_strings is on; FerretDB
// refuses to start otherwise).
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
