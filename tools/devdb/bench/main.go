// Command bench measures what devdb and its PostgreSQL backends spend per MongoDB command, as
// seen from outside with the MongoDB driver: it starts a devdb on a free port with a scratch
// database, runs each kind of operation from 16 clients, and reports per operation the CPU of
// the devdb process and of the PostgreSQL backends serving its database (/proc/<pid>/stat) and
// the PostgreSQL transactions (pg_stat_database xact_commit + xact_rollback); then the idle CPU.
//
//	cd tools/devdb && go build -o bin/devdb . && go run ./bench -devdb bin/devdb
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

var (
	devdbBin = flag.String("devdb", "bin/devdb", "the devdb binary to measure")
	pgServer = flag.String("postgresql", "postgres://postgres@127.0.0.1:5432", "PostgreSQL server (no database)")
	ops      = flag.Int("n", 1000, "operations of each kind")
	clients  = flag.Int("clients", 16, "concurrent clients")
	idle     = flag.Duration("idle", 30*time.Second, "how long to measure idle CPU (0: skip)")
	only     = flag.String("kinds", "", "comma-separated kinds to run (default: all)")
	params   = flag.String("params", "", "query string added to devdb's PostgreSQL URL (e.g. log_statement=all)")
)

const clockTicks = 100 // USER_HZ on Linux

// statsFlush is how long to wait for idle backends to report their transactions to
// pg_stat_database (PostgreSQL 15 flushes an idle backend's counters after 10 s).
const statsFlush = 11 * time.Second

type doc = bson.M

// kind is one operation kind: setup runs before measuring, op(i) is the i-th operation.
type kind struct {
	name  string
	setup func(ctx context.Context, c *mongo.Collection) error
	op    func(ctx context.Context, c *mongo.Collection, i int) error
}

func id(prefix string, i int) string { return fmt.Sprintf("%s-%07d", prefix, i) }

// booking is a small document shaped like Slotbook's: a unique email, a compound (hostId,
// start) index, a bookingId index.
func booking(prefix string, i int) doc {
	return doc{
		"_id": id(prefix, i), "email": id(prefix+"@", i), "hostId": fmt.Sprintf("h%03d", i%200),
		"start": time.Unix(int64(1_900_000_000+i*900), 0), "bookingId": fmt.Sprintf("b%s%d", prefix, i/3), "v": 0,
	}
}

func seed(prefix string, n int) func(ctx context.Context, c *mongo.Collection) error {
	return func(ctx context.Context, c *mongo.Collection) error {
		docs := make([]any, n)
		for i := range docs {
			docs[i] = booking(prefix, i)
		}
		_, err := c.InsertMany(ctx, docs)
		return err
	}
}

func kinds(n int) []kind {
	unordered := options.InsertMany().SetOrdered(false)
	return []kind{
		{name: "insertOne", op: func(ctx context.Context, c *mongo.Collection, i int) error {
			_, err := c.InsertOne(ctx, booking("i1", i))
			return err
		}},
		{name: "insertMany(3)", op: func(ctx context.Context, c *mongo.Collection, i int) error {
			_, err := c.InsertMany(ctx, []any{booking("i3", 3*i), booking("i3", 3*i+1), booking("i3", 3*i+2)})
			return err
		}},
		{name: "insertMany(3) unordered", op: func(ctx context.Context, c *mongo.Collection, i int) error {
			_, err := c.InsertMany(ctx, []any{booking("u3", 3*i), booking("u3", 3*i+1), booking("u3", 3*i+2)}, unordered)
			return err
		}},
		// a booking create as the platform sends it: an unordered insertMany of 3 into held_time,
		// an insertOne into bookings, and for every 15 creates the outbox relay's bulkWrite of 15
		// compare-and-set updateOnes (here of bookings made 16 to 30 creates earlier)
		{name: "booking create", op: func(ctx context.Context, c *mongo.Collection, i int) error {
			held := c.Database().Collection(c.Name() + "_held")
			_, err := held.InsertMany(ctx, []any{booking("h", 3*i), booking("h", 3*i+1), booking("h", 3*i+2)}, unordered)
			if err != nil {
				return err
			}
			if _, err = c.InsertOne(ctx, booking("c", i)); err != nil || i%15 != 14 || i < 30 {
				return err
			}
			models := make([]mongo.WriteModel, 15)
			for j := range models {
				models[j] = mongo.NewUpdateOneModel().SetFilter(doc{"_id": id("c", i-30+j), "v": 0}).
					SetUpdate(doc{"$set": doc{"v": 1, "outbox": bson.A{}}})
			}
			_, err = c.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
			return err
		}},
		{name: "updateOne by _id", setup: seed("u", n), op: func(ctx context.Context, c *mongo.Collection, i int) error {
			_, err := c.UpdateOne(ctx, doc{"_id": id("u", i)}, doc{"$inc": doc{"v": 1}})
			return err
		}},
		{name: "findOne by _id", setup: seed("f", n), op: func(ctx context.Context, c *mongo.Collection, i int) error {
			return c.FindOne(ctx, doc{"_id": id("f", i)}).Err()
		}},
		{name: "find indexed limit(20)", setup: seed("q", 4000), op: func(ctx context.Context, c *mongo.Collection, i int) error {
			cur, err := c.Find(ctx, doc{"hostId": fmt.Sprintf("h%03d", i%200)}, options.Find().SetLimit(20))
			if err != nil {
				return err
			}
			var all []doc
			return cur.All(ctx, &all)
		}},
		{name: "find _id $in 20", setup: seed("in", n), op: func(ctx context.Context, c *mongo.Collection, i int) error {
			ids := make([]string, 20)
			for j := range ids {
				ids[j] = id("in", (i*7+j*31)%n)
			}
			cur, err := c.Find(ctx, doc{"_id": doc{"$in": ids}})
			if err != nil {
				return err
			}
			var all []doc
			if err := cur.All(ctx, &all); err != nil {
				return err
			}
			if len(all) != 20 {
				return fmt.Errorf("found %d of 20", len(all))
			}
			return nil
		}},
		{name: "insertMany(10) unordered, 3 dup", setup: seed("d", n), op: func(ctx context.Context, c *mongo.Collection, i int) error {
			docs := make([]any, 10)
			for j := range docs {
				docs[j] = booking("dn", 10*i+j)
			}
			for j := 0; j < 3; j++ {
				docs[3*j+1] = booking("d", (i+j*100)%n)
			}
			_, err := c.InsertMany(ctx, docs, unordered)
			if we, ok := err.(mongo.BulkWriteException); ok && len(we.WriteErrors) == 3 && we.WriteConcernError == nil {
				return nil
			}
			return fmt.Errorf("want 3 write errors, got %v", err)
		}},
		{name: "insertMany(50) unordered", op: func(ctx context.Context, c *mongo.Collection, i int) error {
			docs := make([]any, 50)
			for j := range docs {
				docs[j] = booking("i50", 50*i+j)
			}
			_, err := c.InsertMany(ctx, docs, unordered)
			return err
		}},
		{name: "bulkWrite 10 updateOne by _id", setup: seed("bw", n), op: func(ctx context.Context, c *mongo.Collection, i int) error {
			models := make([]mongo.WriteModel, 10)
			for j := range models {
				models[j] = mongo.NewUpdateOneModel().SetFilter(doc{"_id": id("bw", (i*10+j)%n)}).SetUpdate(doc{"$set": doc{"v": i}})
			}
			_, err := c.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
			return err
		}},
		{name: "deleteMany _id $in 3", setup: seed("del", 3*n), op: func(ctx context.Context, c *mongo.Collection, i int) error {
			r, err := c.DeleteMany(ctx, doc{"_id": doc{"$in": []string{id("del", 3*i), id("del", 3*i+1), id("del", 3*i+2)}}})
			if err == nil && r.DeletedCount != 3 {
				err = fmt.Errorf("deleted %d of 3", r.DeletedCount)
			}
			return err
		}},
		{name: "deleteMany bookingId (3)", setup: seed("db", 3*n), op: func(ctx context.Context, c *mongo.Collection, i int) error {
			r, err := c.DeleteMany(ctx, doc{"bookingId": fmt.Sprintf("bdb%d", i)})
			if err == nil && r.DeletedCount != 3 {
				err = fmt.Errorf("deleted %d of 3", r.DeletedCount)
			}
			return err
		}},
	}
}

// usage is CPU ticks of devdb and of the database's backends, and the database's transactions.
type usage struct {
	devdb, pg int64
	xacts     int64
	backends  map[int]int64
}

func ticks(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:]) // fields from 3 (state) on
	var t int64
	for _, f := range fields[11:15] { // utime stime cutime cstime (fields 14-17)
		v, _ := strconv.ParseInt(f, 10, 64)
		t += v
	}
	return t
}

func snapshot(ctx context.Context, stats *pgx.Conn, dbName string, devdbPid int) usage {
	// pg_stat_database is read in a fresh snapshot; backends flush their counters when idle.
	u := usage{devdb: ticks(devdbPid), backends: map[int]int64{}}
	if _, err := stats.Exec(ctx, `SELECT pg_stat_clear_snapshot()`); err != nil {
		log.Fatal(err)
	}
	rows, err := stats.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = $1`, dbName)
	if err != nil {
		log.Fatal(err)
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range pids {
		t := ticks(int(p))
		u.backends[int(p)] = t
		u.pg += t
	}
	err = stats.QueryRow(ctx, `SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = $1`, dbName).Scan(&u.xacts)
	if err != nil {
		log.Fatal(err)
	}
	return u
}

// pgDelta counts the backends' CPU between two snapshots; a backend new in b counts from 0.
func pgDelta(a, b usage) int64 {
	var d int64
	for pid, t := range b.backends {
		d += t - a.backends[pid]
	}
	return d
}

func freePort() int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func main() {
	flag.Parse()
	ctx := context.Background()
	dbName := fmt.Sprintf("devdb_bench_%d", os.Getpid())
	pgURL := strings.TrimSuffix(*pgServer, "/") + "/" + dbName
	if *params != "" {
		pgURL += "?" + *params
	}
	port := freePort()

	cmd := exec.Command(*devdbBin, "-listen", fmt.Sprintf("127.0.0.1:%d", port), "-postgresql-url", pgURL)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	cleanup := func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
		_ = exec.Command(*devdbBin, "-postgresql-url", pgURL, "-drop-database").Run()
	}
	defer cleanup()
	// an interrupted bench stops its devdb and drops its database too
	interrupted := make(chan os.Signal, 1)
	signal.Notify(interrupted, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-interrupted
		cleanup()
		os.Exit(130)
	}()

	client, err := mongo.Connect(ctx, options.Client().ApplyURI(fmt.Sprintf("mongodb://127.0.0.1:%d", port)).
		SetMaxPoolSize(uint64(*clients)).SetTimeout(time.Minute))
	if err != nil {
		log.Fatal(err)
	}
	for start := time.Now(); ; time.Sleep(200 * time.Millisecond) {
		if err = client.Ping(ctx, nil); err == nil {
			break
		}
		if time.Since(start) > time.Minute {
			log.Fatalf("devdb did not answer: %v", err)
		}
	}

	stats, err := pgx.Connect(ctx, strings.TrimSuffix(*pgServer, "/")+"/postgres")
	if err != nil {
		log.Fatal(err)
	}
	defer stats.Close(ctx)

	db := client.Database("bench")
	fmt.Printf("%d operations of each kind from %d clients; CPU in ms per operation\n", *ops, *clients)
	fmt.Printf("%-32s %8s %8s %8s %8s %8s\n", "kind", "devdb", "pg", "total", "xact/op", "ops/s")
	for _, k := range kinds(*ops) {
		if *only != "" && !strings.Contains(","+*only+",", ","+k.name+",") {
			continue
		}
		coll := db.Collection(strings.NewReplacer(" ", "_", "(", "", ")", "", "$", "", ",", "").Replace(k.name))
		_, err := coll.Indexes().CreateMany(ctx, []mongo.IndexModel{
			{Keys: bson.D{{Key: "email", Value: 1}}, Options: options.Index().SetUnique(true)},
			{Keys: bson.D{{Key: "hostId", Value: 1}, {Key: "start", Value: 1}}},
			{Keys: bson.D{{Key: "bookingId", Value: 1}}},
		})
		if err != nil {
			log.Fatal(err)
		}
		if k.setup != nil {
			if err := k.setup(ctx, coll); err != nil {
				log.Fatalf("%s: setup: %v", k.name, err)
			}
		}
		time.Sleep(statsFlush)
		before := snapshot(ctx, stats, dbName, cmd.Process.Pid)
		start := time.Now()
		var next atomic.Int64
		var wg sync.WaitGroup
		var failed atomic.Value
		for range *clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := int(next.Add(1) - 1); i < *ops; i = int(next.Add(1) - 1) {
					if err := k.op(ctx, coll, i); err != nil {
						failed.Store(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		wall := time.Since(start)
		if err, ok := failed.Load().(error); ok {
			log.Fatalf("%s: %v", k.name, err)
		}
		time.Sleep(statsFlush)
		after := snapshot(ctx, stats, dbName, cmd.Process.Pid)
		per := func(t int64) float64 { return float64(t) * 1000 / clockTicks / float64(*ops) }
		dd, dp := after.devdb-before.devdb, pgDelta(before, after)
		fmt.Printf("%-32s %8.2f %8.2f %8.2f %8.2f %8.0f\n", k.name, per(dd), per(dp), per(dd+dp),
			float64(after.xacts-before.xacts)/float64(*ops), float64(*ops)/wall.Seconds())
	}

	if *idle > 0 {
		measureIdle := func(what string) {
			before := snapshot(ctx, stats, dbName, cmd.Process.Pid)
			time.Sleep(*idle)
			after := snapshot(ctx, stats, dbName, cmd.Process.Pid)
			secs := idle.Seconds()
			fmt.Printf("idle %s, %s: devdb %.1f ms/s, pg backends %.1f ms/s, %.2f transactions/s\n", *idle, what,
				float64(after.devdb-before.devdb)*1000/clockTicks/secs, float64(pgDelta(before, after))*1000/clockTicks/secs,
				float64(after.xacts-before.xacts)/secs)
		}
		measureIdle(fmt.Sprintf("%d client connections open", *clients))
		_ = client.Disconnect(ctx)
		time.Sleep(statsFlush)
		measureIdle("no client")
	}
}
