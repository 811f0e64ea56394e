// Package loadtest files requests against a running Cetate with many concurrent
// clients and measures rate and latency; `cetate load`, the benchmarks and the crash
// test use it. It also measures the bare insert-and-commit rate of the same database,
// the ceiling the filing rate is compared with.
package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cetate/cetate/internal/store"
)

// Ack is a request the server acknowledged with 201.
type Ack struct {
	ID     int64  `json:"id"`
	Number string `json:"number"`
}

// Result sums up a run.
type Result struct {
	Sent, Acked, Failed int
	Elapsed             time.Duration
	Latencies           []time.Duration // of acknowledged requests, sorted
	Acks                []Ack
	FirstError          string
}

// Rate is acknowledged requests per second.
func (r Result) Rate() float64 { return float64(r.Acked) / r.Elapsed.Seconds() }

// Percentile returns the p-th percentile latency (0 < p <= 100).
func (r Result) Percentile(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := int(float64(len(r.Latencies))*p/100+0.999999) - 1
	if i < 0 {
		i = 0
	}
	if i >= len(r.Latencies) {
		i = len(r.Latencies) - 1
	}
	return r.Latencies[i]
}

func (r Result) String() string {
	return fmt.Sprintf("%d acknowledged, %d failed in %s: %.0f requests/s, p50 %s, p99 %s, max %s",
		r.Acked, r.Failed, r.Elapsed.Round(time.Millisecond), r.Rate(),
		r.Percentile(50).Round(10*time.Microsecond), r.Percentile(99).Round(10*time.Microsecond), r.Percentile(100).Round(10*time.Microsecond))
}

// PetitionBody is a valid filing of the petitie service.
func PetitionBody(i int) []byte {
	return []byte(fmt.Sprintf(`{"service":"petitie","fields":{"name":"Ion Popescu","email":"ion%d@example.ro","message":"Vă rog să reparați iluminatul public de pe strada Memorandumului nr. %d."}}`, i, i))
}

// File sends total filings with clients concurrent clients, tokens[i%len] for client i.
// It stops early, without error, when ctx ends (the crash test kills the server under it).
func File(ctx context.Context, baseURL string, tokens []string, clients, total int, body func(i int) []byte) Result {
	tr := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var next atomic.Int64
	var mu sync.Mutex
	res := Result{}
	start := time.Now()
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			var lat []time.Duration
			var acks []Ack
			failed, sent := 0, 0
			firstErr := ""
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= total {
					break
				}
				sent++
				req, _ := http.NewRequestWithContext(ctx, "POST", baseURL+"/api/v1/requests", bytes.NewReader(body(i)))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+tokens[c%len(tokens)])
				t0 := time.Now()
				resp, err := hc.Do(req)
				if err != nil {
					failed++
					if firstErr == "" {
						firstErr = err.Error()
					}
					continue
				}
				raw, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				d := time.Since(t0)
				var ack Ack
				if err != nil || resp.StatusCode != http.StatusCreated || json.Unmarshal(raw, &ack) != nil {
					failed++
					if firstErr == "" {
						firstErr = fmt.Sprintf("%d %s", resp.StatusCode, strings.TrimSpace(string(raw)))
					}
					continue
				}
				lat = append(lat, d)
				acks = append(acks, ack)
			}
			mu.Lock()
			res.Sent += sent
			res.Acked += len(acks)
			res.Failed += failed
			res.Latencies = append(res.Latencies, lat...)
			res.Acks = append(res.Acks, acks...)
			if res.FirstError == "" {
				res.FirstError = firstErr
			}
			mu.Unlock()
		}(c)
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	sort.Slice(res.Latencies, func(i, j int) bool { return res.Latencies[i] < res.Latencies[j] })
	return res
}

// BareInserts measures the database's own ceiling: total single-row insert-and-commit
// transactions by clients goroutines, on a scratch table dropped afterwards.
func BareInserts(ctx context.Context, db *store.DB, clients, total int) (float64, error) {
	if _, err := db.Write().ExecContext(ctx, `CREATE TABLE IF NOT EXISTS load_bare (id BIGINT PRIMARY KEY, payload TEXT NOT NULL)`); err != nil {
		return 0, err
	}
	defer db.Write().ExecContext(context.Background(), `DROP TABLE load_bare`)
	var next atomic.Int64
	var firstErr atomic.Value
	start := time.Now()
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(total) {
					return
				}
				err := db.Tx(ctx, func(tx *store.Tx) error {
					_, err := tx.ExecContext(ctx, `INSERT INTO load_bare (id, payload) VALUES ($1, $2)`, i, "Vă rog să reparați iluminatul public")
					return err
				})
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return 0, err
	}
	return float64(total) / time.Since(start).Seconds(), nil
}

// RSS returns the resident memory of this process and its peak, in bytes (Linux).
func RSS() (now, peak int64) {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		var kb int64
		if strings.HasPrefix(line, "VmRSS:") {
			fmt.Sscanf(strings.TrimSpace(line[6:]), "%d", &kb)
			now = kb << 10
		} else if strings.HasPrefix(line, "VmHWM:") {
			fmt.Sscanf(strings.TrimSpace(line[6:]), "%d", &kb)
			peak = kb << 10
		}
	}
	return now, peak
}

// Pages requests the given paths round-robin at a fixed rate for a duration, without
// waiting for answers before sending the next (an open loop, as real visitors arrive),
// and measures each latency from the moment it was due, so a slow server cannot hide
// its queueing. Only 200 answers count as acknowledged.
func Pages(ctx context.Context, baseURL string, paths []string, rate int, duration time.Duration) Result {
	tr := &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 512, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	total := int(float64(rate) * duration.Seconds())
	interval := time.Second / time.Duration(rate)
	var mu sync.Mutex
	res := Result{}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 1024) // at most this many in flight
	start := time.Now()
	for i := 0; i < total && ctx.Err() == nil; i++ {
		due := start.Add(time.Duration(i) * interval)
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		sem <- struct{}{}
		wg.Add(1)
		go func(path string, due time.Time) {
			defer func() { <-sem; wg.Done() }()
			req, _ := http.NewRequestWithContext(ctx, "GET", baseURL+path, nil)
			req.Header.Set("Accept-Language", "ro-RO,ro;q=0.9")
			resp, err := hc.Do(req)
			ok := err == nil && resp.StatusCode == http.StatusOK
			firstErr := ""
			if err != nil {
				firstErr = err.Error()
			} else {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if !ok {
					firstErr = fmt.Sprintf("%s: %d", path, resp.StatusCode)
				}
			}
			d := time.Since(due)
			mu.Lock()
			res.Sent++
			if ok {
				res.Acked++
				res.Latencies = append(res.Latencies, d)
			} else {
				res.Failed++
				if res.FirstError == "" {
					res.FirstError = firstErr
				}
			}
			mu.Unlock()
		}(paths[i%len(paths)], due)
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	sort.Slice(res.Latencies, func(i, j int) bool { return res.Latencies[i] < res.Latencies[j] })
	return res
}
