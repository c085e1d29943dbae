// Copyright 2021 FerretDB Inc.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//     http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package handler

import (
	"context"
	"errors"
	"fmt"

	"github.com/FerretDB/wire"

	"github.com/FerretDB/FerretDB/internal/backends"
	"github.com/FerretDB/FerretDB/internal/handler/common"
	"github.com/FerretDB/FerretDB/internal/handler/handlererrors"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/iterator"
	"github.com/FerretDB/FerretDB/internal/util/lazyerrors"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// MsgUpdate implements `update` command.
//
// The passed context is canceled when the client connection is closed.
func (h *Handler) MsgUpdate(connCtx context.Context, msg *wire.OpMsg) (*wire.OpMsg, error) {
	document, err := opMsgDocument(msg)
	if err != nil {
		return nil, lazyerrors.Error(err)
	}

	params, err := common.GetUpdateParams(document, h.L)
	if err != nil {
		return nil, lazyerrors.Error(err)
	}

	// TODO https://github.com/FerretDB/FerretDB/issues/2612
	_ = params.Ordered

	matched, modified, upserted, err := h.updateDocument(connCtx, params)
	if err != nil {
		return nil, handleUpdateError(params.DB, params.Collection, "update", err)
	}

	res := must.NotFail(types.NewDocument(
		"n", matched,
	))

	if upserted.Len() != 0 {
		res.Set("upserted", upserted)
	}

	res.Set("nModified", modified)
	res.Set("ok", float64(1))

	return documentOpMsg(
		res,
	)
}

// updateDocument iterate through all documents in collection and update them.
func (h *Handler) updateDocument(ctx context.Context, params *common.UpdateParams) (int32, int32, *types.Array, error) {
	var matched, modified int32
	var upserted types.Array

	db, err := h.b.Database(params.DB)
	if err != nil {
		if backends.ErrorCodeIs(err, backends.ErrorCodeDatabaseNameIsInvalid) {
			msg := fmt.Sprintf("Invalid namespace specified '%s.%s'", params.DB, params.Collection)
			return 0, 0, nil, handlererrors.NewCommandErrorMsgWithArgument(handlererrors.ErrInvalidNamespace, msg, "update")
		}

		return 0, 0, nil, lazyerrors.Error(err)
	}

	err = db.CreateCollection(ctx, &backends.CreateCollectionParams{Name: params.Collection})

	switch {
	case err == nil:
		// nothing
	case backends.ErrorCodeIs(err, backends.ErrorCodeCollectionAlreadyExists):
		// nothing
	case backends.ErrorCodeIs(err, backends.ErrorCodeCollectionNameIsInvalid):
		msg := fmt.Sprintf("Invalid collection name: %s", params.Collection)
		return 0, 0, nil, handlererrors.NewCommandErrorMsgWithArgument(handlererrors.ErrInvalidNamespace, msg, "insert")
	default:
		return 0, 0, nil, lazyerrors.Error(err)
	}

	for i := 0; i < len(params.Updates); i++ {
		// devdb: a run of statements that each update the one document of a distinct string or
		// ObjectID _id is read with one query and written with one statement (updateByIDs)
		if n := idRun(params.Updates[i:]); n > 1 {
			var c backends.Collection
			if c, err = db.Collection(params.Collection); err != nil {
				if backends.ErrorCodeIs(err, backends.ErrorCodeCollectionNameIsInvalid) {
					msg := fmt.Sprintf("Invalid collection name: %s", params.Collection)
					return 0, 0, nil, handlererrors.NewCommandErrorMsgWithArgument(handlererrors.ErrInvalidNamespace, msg, "insert")
				}

				return 0, 0, nil, lazyerrors.Error(err)
			}

			var m, mod int32
			m, mod, err = h.updateByIDs(ctx, c, params.Updates[i:i+n])
			if err != nil {
				return 0, 0, nil, lazyerrors.Error(err)
			}

			matched += m
			modified += mod
			i += n - 1

			continue
		}

		u := params.Updates[i]

		c, err := db.Collection(params.Collection)
		if err != nil {
			if backends.ErrorCodeIs(err, backends.ErrorCodeCollectionNameIsInvalid) {
				msg := fmt.Sprintf("Invalid collection name: %s", params.Collection)
				return 0, 0, nil, handlererrors.NewCommandErrorMsgWithArgument(handlererrors.ErrInvalidNamespace, msg, "insert")
			}

			return 0, 0, nil, lazyerrors.Error(err)
		}

		var qp backends.QueryParams
		if !h.DisablePushdown {
			qp.Filter = u.Filter
		}

		res, err := c.Query(ctx, &qp)
		if err != nil {
			return 0, 0, nil, lazyerrors.Error(err)
		}

		closer := iterator.NewMultiCloser()

		closer.Add(res.Iter)

		iter := common.FilterIterator(res.Iter, closer, u.Filter)

		if !u.Multi {
			iter = common.LimitIterator(iter, closer, 1)
		}

		result, err := common.UpdateDocument(ctx, c, "update", iter, &u)

		// devdb: each statement's iterator, and the PostgreSQL connection it holds, is closed
		// before the next statement runs. Deferred to the end of the command, one connection
		// stayed held per statement, and a bulk write of more statements than the pool has
		// connections waited for one forever.
		closer.Close()

		if err != nil {
			return 0, 0, nil, lazyerrors.Error(err)
		}

		matched += result.Matched.Count
		modified += result.Modified.Count

		if result.Upserted.Doc != nil {
			doc := result.Upserted.Doc
			upserted.Append(must.NotFail(types.NewDocument(
				"index", int32(upserted.Len()),
				"_id", must.NotFail(doc.Get("_id")),
			)))

			// in case of upsert, MongoDB sets the matched count to 1
			matched++
		}
	}

	return matched, modified, &upserted, nil
}

// maxIDRun is the most statements updateByIDs takes at once (devdb).
const maxIDRun = 100

// idKey returns a key telling apart the _id values updateByIDs batches (a string or an
// ObjectID), "" for any other value (devdb).
func idKey(v any) string {
	switch v := v.(type) {
	case string:
		return "s" + v
	case types.ObjectID:
		return "o" + string(v[:])
	}

	return ""
}

// statementID returns the idKey of the _id a statement's filter pins with a top-level equality,
// "" when it pins none that updateByIDs can batch (devdb).
func statementID(u *common.Update) string {
	if u.Multi || u.Upsert || u.Filter == nil {
		return ""
	}

	v, err := u.Filter.Get("_id")
	if err != nil {
		return ""
	}

	return idKey(v)
}

// idRun returns how many of the leading statements of us updateByIDs may run together
// (devdb): statements that update at most one document, without upsert, each pinning a
// string or ObjectID _id that no other statement of the run names, at most maxIDRun.
func idRun(us []common.Update) int {
	seen := make(map[string]struct{}, min(len(us), maxIDRun))

	for i := range us {
		if i == maxIDRun {
			return i
		}

		k := statementID(&us[i])
		if k == "" {
			return i
		}

		if _, dup := seen[k]; dup {
			return i
		}

		seen[k] = struct{}{}
	}

	return len(us)
}

// deferredWrites is a collection whose UpdateAll only records the documents (devdb).
type deferredWrites struct {
	backends.Collection
	docs []*types.Document
}

// UpdateAll implements backends.Collection interface.
func (d *deferredWrites) UpdateAll(_ context.Context, params *backends.UpdateAllParams) (*backends.UpdateAllResult, error) {
	d.docs = append(d.docs, params.Docs...)
	return &backends.UpdateAllResult{Updated: int32(len(params.Docs))}, nil
}

// updateByIDs runs statements that idRun accepted (devdb). FerretDB runs each statement as a
// query then a write of the matched document, two PostgreSQL statements each (thirty for the
// fifteen updateOnes of an outbox relay's bulkWrite); here one query reads the documents of
// all the statements' _ids, each statement matches and updates its own document in Go exactly
// as common.UpdateDocument does for one, and one statement writes them all.
//
// The result is that of running the statements one after the other, as FerretDB does: they
// name different documents, so none sees another's write, and no other update, delete or
// findAndModify of the collection runs meanwhile (devdb's front holds the collection's lock
// exclusively for an update of several statements; a concurrent insert only adds documents, as
// if made after the command). When a statement fails, the ones before it are written
// and its error is returned. When the one write fails (a unique index, say), the documents are
// written one by one in statement order, and the first failure is returned, as FerretDB does.
func (h *Handler) updateByIDs(ctx context.Context, c backends.Collection, us []common.Update) (int32, int32, error) {
	ids := make([]any, len(us))
	wanted := make(map[string]bool, len(us))

	for i := range us {
		ids[i] = must.NotFail(us[i].Filter.Get("_id"))
		wanted[statementID(&us[i])] = true
	}

	var qp backends.QueryParams
	if !h.DisablePushdown {
		qp.IDs = ids
		qp.Filter = must.NotFail(types.NewDocument("_id", must.NotFail(types.NewDocument("$in", must.NotFail(types.NewArray(ids...))))))
	}

	res, err := c.Query(ctx, &qp)
	if err != nil {
		return 0, 0, lazyerrors.Error(err)
	}

	// all read before anything is written: the query's PostgreSQL connection is given back first
	byID := make(map[string]*types.Document, len(us))

	for {
		_, doc, err := res.Iter.Next()
		if errors.Is(err, iterator.ErrIteratorDone) {
			break
		}

		if err != nil {
			res.Iter.Close()
			return 0, 0, lazyerrors.Error(err)
		}

		if k := idKey(must.NotFail(doc.Get("_id"))); wanted[k] {
			byID[k] = doc
		}
	}

	res.Iter.Close()

	var matched, modified int32
	writes := &deferredWrites{Collection: c}

	for i := range us {
		u := &us[i]

		var docs []*types.Document
		if doc := byID[statementID(u)]; doc != nil {
			docs = append(docs, doc)
		}

		closer := iterator.NewMultiCloser()
		src := iterator.Values(iterator.ForSlice(docs))
		closer.Add(src)

		iter := common.FilterIterator(src, closer, u.Filter)
		iter = common.LimitIterator(iter, closer, 1)

		result, err := common.UpdateDocument(ctx, writes, "update", iter, u)

		closer.Close()

		if err != nil {
			if werr := writeAll(ctx, c, writes.docs); werr != nil {
				return 0, 0, werr
			}

			return 0, 0, lazyerrors.Error(err)
		}

		matched += result.Matched.Count
		modified += result.Modified.Count
	}

	if err = writeAll(ctx, c, writes.docs); err != nil {
		return 0, 0, err
	}

	return matched, modified, nil
}

// writeAll writes docs in one statement, or, when that fails, one by one, returning the first
// error (devdb).
func writeAll(ctx context.Context, c backends.Collection, docs []*types.Document) error {
	if len(docs) == 0 {
		return nil
	}

	_, err := c.UpdateAll(ctx, &backends.UpdateAllParams{Docs: docs})

	switch {
	case err == nil:
		return nil
	case len(docs) == 1:
		return lazyerrors.Error(err)
	}

	for _, doc := range docs {
		if _, err := c.UpdateAll(ctx, &backends.UpdateAllParams{Docs: []*types.Document{doc}}); err != nil {
			return lazyerrors.Error(err)
		}
	}

	return nil
}
