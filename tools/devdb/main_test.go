package main

import "testing"

func TestPlainOnLoopback(t *testing.T) {
	t.Setenv("PGSSLMODE", "")
	for in, want := range map[string]string{
		"postgres://postgres@127.0.0.1:5432/db":                      "postgres://postgres@127.0.0.1:5432/db?sslmode=disable",
		"postgres://postgres@localhost/db?x=1":                       "postgres://postgres@localhost/db?sslmode=disable&x=1",
		"postgres://postgres@[::1]:5432/db":                          "postgres://postgres@[::1]:5432/db?sslmode=disable",
		"postgres://u@127.0.0.1:5432,127.0.0.2:5433/db":              "postgres://u@127.0.0.1:5432,127.0.0.2:5433/db?sslmode=disable",
		"postgres://postgres@127.0.0.1:5432/db?sslmode=require":      "postgres://postgres@127.0.0.1:5432/db?sslmode=require",
		"postgres://postgres@db.example.com:5432/db":                 "postgres://postgres@db.example.com:5432/db",
		"postgres://u@127.0.0.1:5432,db.example.com:5432/db":         "postgres://u@127.0.0.1:5432,db.example.com:5432/db",
		"postgres://postgres@10.0.0.5/db":                            "postgres://postgres@10.0.0.5/db",
		"postgres:///db?host=/var/run/postgresql":                    "postgres:///db?host=/var/run/postgresql",
		"postgres://postgres@127.0.0.1/db?host=/tmp&sslmode=disable": "postgres://postgres@127.0.0.1/db?host=/tmp&sslmode=disable",
	} {
		if got := plainOnLoopback(in); got != want {
			t.Errorf("plainOnLoopback(%q) = %q, want %q", in, got, want)
		}
	}

	t.Setenv("PGSSLMODE", "require")
	if got := plainOnLoopback("postgres://postgres@127.0.0.1/db"); got != "postgres://postgres@127.0.0.1/db" {
		t.Errorf("with PGSSLMODE set: %q", got)
	}
}
