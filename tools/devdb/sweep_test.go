package main

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// What an earlier devdb built and nothing reads is dropped: the btrees of non-unique indexes
// and the GIN index on _id. Unique btrees, the other GIN indexes and the metadata stay. In a
// database of its own (testDatabase).
func TestSweep(t *testing.T) {
	ctx := context.Background()
	pool := testDatabase(t, "sweep")

	ferretCollection(t, pool,
		`CREATE INDEX t_a_idx ON s.t ((_jsonb->'a'), (_jsonb->'b'))`,
		`CREATE UNIQUE INDEX t_u_idx ON s.t ((_jsonb->'u'))`,
		`CREATE INDEX t_a_gin ON s.t USING gin ((_jsonb->'a'))`,
		fmt.Sprintf(`CREATE INDEX %s ON s.t USING gin ((_jsonb->'_id'))`, ginIndexName("t", "_id")),
		`INSERT INTO s._ferretdb_database_metadata VALUES ('{"_id": "coll", "table": "t", "indexes": [
			{"pgindex": "t__id_idx", "name": "_id_", "unique": true},
			{"pgindex": "t_a_idx", "name": "a_1_b_1", "unique": false},
			{"pgindex": "t_u_idx", "name": "u_1", "unique": true},
			{"pgindex": "t_gone_idx", "name": "gone_1", "unique": false}]}')`,
	)

	ix := newIndexer(pool)
	meta, err := ix.metadata(ctx, "s", "coll")
	if err != nil || meta.table != "t" {
		t.Fatalf("metadata: %+v, %v", meta, err)
	}
	if !ix.sweep(ctx, "s", "t", meta.nonUnique) {
		t.Fatal("the collection was not swept")
	}
	want := []string{"t__id_idx", "t_a_gin", "t_u_idx"}
	if left := indexNames(t, pool, "t%"); !slices.Equal(left, want) {
		t.Fatalf("indexes left: %v, want %v", left, want)
	}
	// Sweeping again, or a collection FerretDB does not know, finds nothing to do.
	other, err := ix.metadata(ctx, "s", "other")
	if err != nil || other.table != "" {
		t.Fatalf("metadata of a collection FerretDB does not know: %+v, %v", other, err)
	}
	if !ix.sweep(ctx, "s", "t", meta.nonUnique) || !ix.sweep(ctx, "s", "t", other.nonUnique) {
		t.Fatal("a second sweep failed")
	}
}
