package main

import (
	"context"
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
)

func TestEqualityFields(t *testing.T) {
	cmd := func(body bson.D) command {
		return parseCommand(buildMsg(t, 1, 0, body, nil))
	}
	cases := []struct {
		name string
		body bson.D
		want []string
	}{
		{"find by equalities, $eq and $in", bson.D{{Key: "find", Value: "c"}, {Key: "filter", Value: bson.D{
			{Key: "hostId", Value: "h1"}, {Key: "status", Value: bson.D{{Key: "$eq", Value: "a"}}},
			{Key: "kind", Value: bson.D{{Key: "$in", Value: bson.A{"x", "y"}}}},
			{Key: "startTime", Value: bson.D{{Key: "$lt", Value: 5}}}, {Key: "$or", Value: bson.A{}},
		}}}, []string{"hostId", "status", "kind"}},
		{"a filter with _id", bson.D{{Key: "find", Value: "c"}, {Key: "filter", Value: bson.D{
			{Key: "status", Value: "a"}, {Key: "_id", Value: "x"},
		}}}, nil},
		{"count", bson.D{{Key: "count", Value: "c"}, {Key: "query", Value: bson.D{{Key: "a.b", Value: 1}}}}, []string{"a.b"}},
		{"findAndModify", bson.D{{Key: "findAndModify", Value: "c"}, {Key: "query", Value: bson.D{{Key: "seq", Value: 1}}}}, []string{"seq"}},
		{"aggregate's first $match", bson.D{{Key: "aggregate", Value: "c"}, {Key: "pipeline", Value: bson.A{
			bson.D{{Key: "$match", Value: bson.D{{Key: "ownerId", Value: "o"}}}},
		}}}, []string{"ownerId"}},
		{"each statement of an update", bson.D{{Key: "update", Value: "c"}, {Key: "updates", Value: bson.A{
			bson.D{{Key: "q", Value: bson.D{{Key: "_id", Value: "1"}, {Key: "v", Value: 1}}}},
			bson.D{{Key: "q", Value: bson.D{{Key: "bookingId", Value: "b"}}}},
		}}}, []string{"bookingId"}},
		{"a delete", bson.D{{Key: "delete", Value: "c"}, {Key: "deletes", Value: bson.A{
			bson.D{{Key: "q", Value: bson.D{{Key: "bookingId", Value: "b"}}}},
		}}}, []string{"bookingId"}},
		{"an insert has none", bson.D{{Key: "insert", Value: "c"}, {Key: "documents", Value: bson.A{bson.D{{Key: "a", Value: 1}}}}}, nil},
	}
	for _, c := range cases {
		if got := equalityFields(cmd(c.body)); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// A declared field gets its GIN index from the first read that filters by it, not before:
// until something reads by it, writes pay nothing for it. Undeclared fields and reads by _id
// build nothing. FerretDB's metadata is written as FerretDB 1.24 writes it (key order in $s).
func TestIndexerBuildsOnFirstRead(t *testing.T) {
	ctx := context.Background()
	pool := testDatabase(t, "indexer")
	ferretCollection(t, pool,
		`INSERT INTO s.t SELECT jsonb_build_object('_id', 'd' || i, 'hostId', 'h' || (i % 7), 'day', i % 3) FROM generate_series(1, 100) i`,
		`INSERT INTO s._ferretdb_database_metadata VALUES ('{"$s": {"p": {"_id": {"t": "string"}, "table": {"t": "string"},
			"indexes": {"i": [
				{"t": "object", "$s": {"p": {"key": {"t": "object", "$s": {"p": {"_id": {"t": "int"}}, "$k": ["_id"]}}}, "$k": ["pgindex", "name", "key", "unique"]}},
				{"t": "object", "$s": {"p": {"key": {"t": "object", "$s": {"p": {"_id": {"t": "int"}, "hostId": {"t": "int"}, "day": {"t": "int"}}, "$k": ["hostId", "day", "_id"]}}}, "$k": ["pgindex", "name", "key", "unique"]}}
			]}}, "$k": ["_id", "table", "indexes"]},
			"_id": "coll", "table": "t", "indexes": [
				{"key": {"_id": 1}, "name": "_id_", "unique": true, "pgindex": "t__id_idx"},
				{"key": {"day": 1, "_id": 1, "hostId": 1}, "name": "hostId_1_day_1__id_1", "unique": false, "pgindex": "t_h_idx"}]}')`,
	)
	gins := func() []string { return indexNames(t, pool, "%_gin") }
	ix := newIndexer(pool)
	find := func(filter bson.D) {
		ix.afterReply(parseCommand(buildMsg(t, 1, 0, bson.D{{Key: "find", Value: "coll"}, {Key: "filter", Value: filter}, {Key: "$db", Value: "s"}}, nil)))
	}

	ix.afterReply(parseCommand(buildMsg(t, 1, 0, bson.D{{Key: "insert", Value: "coll"}, {Key: "$db", Value: "s"}}, nil)))
	find(bson.D{{Key: "day", Value: 1}})                                  // a later field of the index
	find(bson.D{{Key: "_id", Value: "d1"}, {Key: "hostId", Value: "h1"}}) // served by _id
	if got := gins(); len(got) != 0 {
		t.Fatalf("indexes built before a read by a declared first field: %v", got)
	}
	find(bson.D{{Key: "hostId", Value: "h1"}})
	want := []string{ginIndexName("t", "hostId")}
	if got := gins(); !slices.Equal(got, want) {
		t.Fatalf("after a read by hostId: %v, want %v", got, want)
	}
	var valid bool
	if err := pool.QueryRow(ctx, `SELECT indisvalid FROM pg_index WHERE indexrelid = $1::regclass`, "s."+want[0]).Scan(&valid); err != nil || !valid {
		t.Fatalf("the built index is not valid (%v)", err)
	}
	// Known now: later reads look nothing up.
	if st := ix.colls["s\x00coll"]; !st.known || !st.fields["hostId"] {
		t.Fatalf("state after the build: %+v", st)
	}
	find(bson.D{{Key: "hostId", Value: "h2"}})
	if got := gins(); !slices.Equal(got, want) {
		t.Fatalf("after a second read: %v", got)
	}
}
