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

// Package resource provides utilities for tracking resource lifetimes.
//
// devdb: Track and Untrack do nothing. FerretDB's recorded every tracked object (each query
// iterator, slice iterator, cursor...: several per command) in a pprof profile, with a stack
// trace, found through a type name built by reflection, and set a finalizer that panics when
// such an object is collected untracked: a leak-finding aid of FerretDB's own tests that cost
// devdb ~6% of its CPU (and the garbage of it) and could only turn a leaked iterator into a
// crash of the whole server. Objects are closed exactly as before; only the bookkeeping is gone.
package resource

// Token should be a field of a tracked object.
//
// The underlying type is not struct{} because (from the Go spec)
// "Two distinct zero-size variables may have the same address in memory",
// and they do.
type Token byte

// NewToken returns a new Token.
func NewToken() *Token {
	return new(Token)
}

// Track tracks the lifetime of an object until Untrack is called on it (devdb: nothing).
//
// Obj should a pointer to a struct with a field "token" of type *Token.
func Track(obj any, token *Token) {}

// Untrack stops tracking the lifetime of an object (devdb: nothing).
//
// It is safe to call this function multiple times.
func Untrack(obj any, token *Token) {}
