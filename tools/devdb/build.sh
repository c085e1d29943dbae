#!/usr/bin/env bash
# Builds devdb (to bin/devdb, or to $1) against FerretDB 1.24.2 with the files of _ferretdb/ in
# place of its own: a copy of the module in bin/ferretdb, named by a `replace` in bin/go.mod
# (-modfile), so that go.mod, `go vet` and `go test` stay on the plain module (README,
# "Patches to FerretDB").
set -euo pipefail
cd "$(dirname "$0")"
out=${1:-bin/devdb}
mkdir -p bin
go mod download github.com/FerretDB/FerretDB
src=$(go list -m -f '{{.Dir}}' github.com/FerretDB/FerretDB)
rm -rf bin/ferretdb
cp -r "$src" bin/ferretdb
chmod -R u+w bin/ferretdb
cp -r _ferretdb/. bin/ferretdb/
cp go.sum bin/go.sum
{ cat go.mod; echo 'replace github.com/FerretDB/FerretDB => ./bin/ferretdb'; } >bin/go.mod
go build -modfile bin/go.mod -o "$out" .
