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
	"go.mongodb.org/mongo-driver/bson"
)

// indexer makes FerretDB's equality queries index-served. FerretDB's PostgreSQL backend
// pushes a top-level equality {f: v} down as `_jsonb->'f' @> v` (`_jsonb#>'{a,b}' @> v` for
// a dotted path; internal/backends/postgresql/query.go) but builds its own indexes as btree on
// `(_jsonb->'f')`, which `@>` cannot use, so every query is a sequential scan. The indexer adds
// a GIN index on exactly the expression the queries use, for a field that is the first key
// field of an index the client declared (createIndexes; FerretDB's metadata keeps them) once a
// query filters by it (not `_id`, which the patched query.go pushes down as `=`, served by
// FerretDB's unique btree). A declared field nothing reads by costs no write anything. It
// changes no data and no result; it only lets PostgreSQL find the candidate rows from an index.
type indexer struct {
	pool *pgxpool.Pool

	work sync.Mutex // serialises the PostgreSQL side, so that two connections never race to create one index

	mu    sync.Mutex
	colls map[string]*collState // by database + "\x00" + collection
}

type collState struct {
	absent   bool            // FerretDB had no table for it when last looked at
	gen      int             // bumped when the collection is dropped or renamed
	known    bool            // its table is found, declared read from FerretDB's metadata, and it is swept
	declared map[string]bool // the first key field of each of its indexes
	fields   map[string]bool // fields whose GIN index exists
}

func newIndexer(pool *pgxpool.Pool) *indexer {
	return &indexer{pool: pool, colls: map[string]*collState{}}
}

// afterReply looks at a command FerretDB has just answered with ok: 1, before its reply goes
// back to the client, so that a read's index exists when the client sees the read done.
func (ix *indexer) afterReply(c command) {
	switch c.name {
	case "insert", "create":
		// may have created the collection
		ix.ensure(c.db, c.coll, nil, false)
	case "update", "findAndModify", "findandmodify":
		ix.ensure(c.db, c.coll, equalityFields(c), false)
	case "createIndexes":
		ix.forget(c.db, c.coll, false)
	case "find", "count", "distinct", "aggregate", "delete":
		// onlyIfKnown: a collection created before this devdb started (or not at all)
		ix.ensure(c.db, c.coll, equalityFields(c), true)
	case "drop":
		ix.forget(c.db, c.coll, true)
	case "dropDatabase":
		ix.forget(c.db, "", true)
	case "renameCollection":
		for _, ns := range []string{c.coll, c.body.Lookup("to").StringValue()} {
			if db, coll, ok := strings.Cut(ns, "."); ok {
				ix.forget(db, coll, true)
			}
		}
	}
}

// equalityFields returns the top-level fields a command's filters test for equality ({f: v},
// {f: {$eq: v}}, {f: {$in: [...]}}), which FerretDB pushes down; none when a filter names
// `_id` (FerretDB's unique btree serves it, as MongoDB's _id index would).
func equalityFields(c command) []string {
	var fields []string
	for _, filter := range commandFilters(c) {
		elems, err := filter.Elements()
		if err != nil {
			continue
		}
		var found []string
		for _, e := range elems {
			key := e.Key()
			if key == "_id" {
				found = nil
				break
			}
			if strings.HasPrefix(key, "$") {
				continue
			}
			if op, ok := e.Value().DocumentOK(); ok {
				first, err := op.IndexErr(0)
				if err != nil || (first.Key() != "$eq" && first.Key() != "$in") {
					continue
				}
			}
			found = append(found, key)
		}
		fields = append(fields, found...)
	}
	return fields
}

// commandFilters returns the filters of a query or write command found in its body
// (statements sent as a kind-1 document sequence are not looked at).
func commandFilters(c command) []bson.Raw {
	switch c.name {
	case "find":
		return docs(c.body.Lookup("filter"))
	case "count", "distinct", "findAndModify", "findandmodify":
		return docs(c.body.Lookup("query"))
	case "aggregate":
		pipeline, ok := c.body.Lookup("pipeline").ArrayOK()
		if !ok {
			return nil
		}
		first, err := pipeline.IndexErr(0)
		if err != nil {
			return nil
		}
		stage, ok := first.Value().DocumentOK()
		if !ok {
			return nil
		}
		return docs(stage.Lookup("$match"))
	case "update", "delete":
		field := "updates"
		if c.name == "delete" {
			field = "deletes"
		}
		stmts, ok := c.body.Lookup(field).ArrayOK()
		if !ok {
			return nil
		}
		values, _ := stmts.Values()
		var filters []bson.Raw
		for _, v := range values {
			if stmt, ok := v.DocumentOK(); ok {
				filters = append(filters, docs(stmt.Lookup("q"))...)
			}
		}
		return filters
	}
	return nil
}

func docs(v bson.RawValue) []bson.Raw {
	if d, ok := v.DocumentOK(); ok {
		return []bson.Raw{d}
	}
	return nil
}

// forget drops what is known of a collection (of every collection of db when coll is ""):
// its indexes may have changed, and when dropped (gone) its table may be gone, and a
// collection made again under that name gets a new table.
func (ix *indexer) forget(db, coll string, gone bool) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for key, st := range ix.colls {
		d, c, _ := strings.Cut(key, "\x00")
		if d == db && (coll == "" || c == coll) {
			st.known = false
			if gone {
				st.gen++
				st.absent = false
				st.fields = map[string]bool{}
			}
		}
	}
}

// ensure creates the GIN indexes of the queried fields of a collection that it declares and
// lacks. onlyIfKnown skips a collection that had no table when last looked at (a read does
// not create one).
func (ix *indexer) ensure(db, coll string, queried []string, onlyIfKnown bool) {
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
	needed := !st.known
	for _, f := range queried {
		needed = needed || (st.declared[f] && !st.fields[f])
	}
	gen, skip := st.gen, onlyIfKnown && st.absent
	ix.mu.Unlock()
	if !needed || skip {
		return
	}

	ix.work.Lock()
	defer ix.work.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	meta, err := ix.metadata(ctx, db, coll)
	if err != nil {
		slog.Warn("devdb: cannot read FerretDB's metadata", "db", db, "collection", coll, "err", err)
		return
	}
	table := meta.table
	known := table != "" && ix.sweep(ctx, db, table, meta.nonUnique)
	var made []string
	for _, f := range queried {
		if table == "" || !meta.declared[f] || contains(made, f) {
			continue
		}
		ix.mu.Lock()
		exists := st.fields[f] && st.gen == gen
		ix.mu.Unlock()
		if exists {
			continue
		}
		if err := ix.createGIN(ctx, db, table, f); err != nil {
			slog.Warn("devdb: cannot create index", "db", db, "collection", coll, "field", f, "err", err)
			continue
		}
		made = append(made, f)
	}

	ix.mu.Lock()
	defer ix.mu.Unlock()
	if st.gen != gen { // dropped meanwhile: what was made went with the table
		return
	}
	st.absent = table == ""
	st.known = known
	st.declared = meta.declared
	for _, f := range made {
		st.fields[f] = true
	}
}

// createGIN builds the GIN index of a field without blocking the table's writes
// (CONCURRENTLY), and drops what a failed build leaves behind, an invalid index.
func (ix *indexer) createGIN(ctx context.Context, schema, table, field string) error {
	q, ok := ginIndexSQL(schema, table, field)
	if !ok {
		return nil // not a path FerretDB pushes down; nothing to do
	}
	if _, err := ix.pool.Exec(ctx, q); err != nil {
		drop := fmt.Sprintf(`DROP INDEX IF EXISTS %s`, pgx.Identifier{schema, ginIndexName(table, field)}.Sanitize())
		_, _ = ix.pool.Exec(ctx, drop)
		return err
	}
	return nil
}

// sweep drops what devdb versions before 2026-12-07 built for a collection and no query reads
// any more: the GIN index on `_id` (the patched query.go pushes _id down as `=`, served by
// FerretDB's unique btree), and the btrees FerretDB built for its non-unique indexes (named in
// its metadata; equalities are pushed down as `@>`, served by the GIN indexes; the patched
// metadata/registry.go no longer builds them, and its metadata keeps the indexes, so
// listIndexes answers as before). It reports whether the collection is swept.
func (ix *indexer) sweep(ctx context.Context, db, table string, nonUnique []string) bool {
	for _, name := range append([]string{ginIndexName(table, "_id")}, nonUnique...) {
		drop := fmt.Sprintf(`DROP INDEX IF EXISTS %s`, pgx.Identifier{db, name}.Sanitize())
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

// collMeta is what FerretDB's metadata says of a collection.
type collMeta struct {
	table     string          // its PostgreSQL table, "" when there is none
	declared  map[string]bool // the first key field of each of its indexes but _id
	nonUnique []string        // the PostgreSQL names of its non-unique indexes
}

// metadata reads what FerretDB keeps of a collection. A MongoDB database is a schema; its
// `_ferretdb_database_metadata` table holds one document per collection, {_id: collection
// name, table: table name, indexes: [{pgindex, key: {field: order, ...}, unique}, ...]}, in
// FerretDB's encoding, which keeps each object's key order in `$s`
// (internal/backends/postgresql/metadata).
func (ix *indexer) metadata(ctx context.Context, db, coll string) (collMeta, error) {
	q := fmt.Sprintf(
		`SELECT _jsonb->>'table',
		   ARRAY(SELECT i->'$s'->'p'->'key'->'$s'->'$k'->>0
		         FROM jsonb_array_elements(_jsonb->'$s'->'p'->'indexes'->'i') i),
		   ARRAY(SELECT i->>'pgindex' FROM jsonb_array_elements(_jsonb->'indexes') i
		         WHERE i->'unique' = 'false'::jsonb)
		 FROM %s WHERE _jsonb->'_id' = to_jsonb($1::text)`,
		pgx.Identifier{db, "_ferretdb_database_metadata"}.Sanitize(),
	)
	var meta collMeta
	var firsts []*string
	err := ix.pool.QueryRow(ctx, q, coll).Scan(&meta.table, &firsts, &meta.nonUnique)
	var pgErr *pgconn.PgError
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return collMeta{}, nil
	case errors.As(err, &pgErr) && pgErr.Code == "42P01": // undefined_table: no such database yet
		return collMeta{}, nil
	case err != nil:
		return collMeta{}, err
	}
	meta.declared = map[string]bool{}
	for _, f := range firsts {
		if f != nil && *f != "_id" {
			meta.declared[*f] = true
		}
	}
	return meta, nil
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
		`CREATE INDEX CONCURRENTLY IF NOT EXISTS %s ON %s USING gin ((%s)) WITH (fastupdate = off)`,
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
