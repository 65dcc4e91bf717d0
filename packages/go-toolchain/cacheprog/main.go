// Command warren-gocacheprog is the GOCACHEPROG of Warren's workspaces (Go 1.24+): the go
// command's build cache in two layers. Reads look in the workspace's own cache (-dir), then in its
// tenant's shared cache (-shared), which the workspace sees read-only and which only the control
// plane writes, after checking each entry (doc/go-build-cache.md). Writes go to -dir alone.
//
// Both caches have one layout: a/<action id> holds "<output id> <size> <unix nanoseconds>", and
// o/<output id> holds the output, whose SHA-256 is its output id.
package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// request and response are cmd/go/internal/cacheprog's Request and Response, as JSON.
type request struct {
	ID       int64
	Command  string
	ActionID []byte `json:",omitempty"`
	OutputID []byte `json:",omitempty"`
	BodySize int64  `json:",omitempty"`
}

type response struct {
	ID            int64
	Err           string     `json:",omitempty"`
	KnownCommands []string   `json:",omitempty"`
	Miss          bool       `json:",omitempty"`
	OutputID      []byte     `json:",omitempty"`
	Size          int64      `json:",omitempty"`
	Time          *time.Time `json:",omitempty"`
	DiskPath      string     `json:",omitempty"`
}

type entry struct {
	output []byte
	size   int64
	time   time.Time
}

func main() {
	log.SetPrefix("warren-gocacheprog: ")
	log.SetFlags(0)
	dir := flag.String("dir", "", "the workspace's own cache folder (written)")
	shared := flag.String("shared", "", "the tenant's shared cache folder (read only; may be missing)")
	flag.Parse()
	if *dir == "" {
		log.Fatal("-dir is required: the folder of the workspace's own build cache")
	}
	for _, sub := range []string{"a", "o"} {
		if err := os.MkdirAll(filepath.Join(*dir, sub), 0o755); err != nil {
			log.Fatalf("cannot make the cache folder: %v", err)
		}
	}
	layers := []string{*dir}
	if *shared != "" {
		layers = append(layers, *shared)
	}
	if err := serve(os.Stdin, os.Stdout, *dir, layers); err != nil {
		log.Fatal(err)
	}
}

func serve(in io.Reader, out io.Writer, own string, layers []string) error {
	dec := json.NewDecoder(bufio.NewReaderSize(in, 1<<20))
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	send := func(r response) error {
		if err := enc.Encode(r); err != nil {
			return err
		}
		return w.Flush()
	}
	if err := send(response{KnownCommands: []string{"get", "put", "close"}}); err != nil {
		return err
	}
	for {
		var req request
		if err := dec.Decode(&req); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("reading a request: %w", err)
		}
		var body []byte
		if req.Command == "put" && req.BodySize > 0 {
			// The body follows as a base64 JSON string, which encoding/json decodes into []byte.
			if err := dec.Decode(&body); err != nil {
				return fmt.Errorf("reading the body of put %d: %w", req.ID, err)
			}
		}
		res := response{ID: req.ID}
		switch req.Command {
		case "get":
			res = get(req, layers)
		case "put":
			res = put(req, body, own)
		case "close":
			return send(res)
		default:
			res.Err = fmt.Sprintf("unknown command %q", req.Command)
		}
		if err := send(res); err != nil {
			return err
		}
	}
}

func get(req request, layers []string) response {
	action := hex.EncodeToString(req.ActionID)
	for _, layer := range layers {
		e, err := readEntry(filepath.Join(layer, "a", action))
		if err != nil {
			continue
		}
		path := filepath.Join(layer, "o", hex.EncodeToString(e.output))
		if info, err := os.Stat(path); err != nil || info.Size() != e.size {
			continue
		}
		return response{ID: req.ID, OutputID: e.output, Size: e.size, Time: &e.time, DiskPath: path}
	}
	return response{ID: req.ID, Miss: true}
}

func put(req request, body []byte, own string) response {
	sum := sha256.Sum256(body)
	if hex.EncodeToString(sum[:]) != hex.EncodeToString(req.OutputID) {
		return response{ID: req.ID, Err: "the output id is not the SHA-256 of the body"}
	}
	output := hex.EncodeToString(req.OutputID)
	path := filepath.Join(own, "o", output)
	if info, err := os.Stat(path); err != nil || info.Size() != int64(len(body)) {
		if err := writeAtomic(path, body); err != nil {
			return response{ID: req.ID, Err: err.Error()}
		}
	}
	line := fmt.Sprintf("%s %d %d\n", output, len(body), time.Now().UnixNano())
	if err := writeAtomic(filepath.Join(own, "a", hex.EncodeToString(req.ActionID)), []byte(line)); err != nil {
		return response{ID: req.ID, Err: err.Error()}
	}
	return response{ID: req.ID, DiskPath: path}
}

func readEntry(path string) (entry, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return entry{}, err
	}
	fields := strings.Fields(string(data))
	if len(fields) != 3 {
		return entry{}, fmt.Errorf("%s: not an entry", path)
	}
	output, err := hex.DecodeString(fields[0])
	if err != nil || len(output) != sha256.Size {
		return entry{}, fmt.Errorf("%s: bad output id", path)
	}
	size, err1 := strconv.ParseInt(fields[1], 10, 64)
	nanos, err2 := strconv.ParseInt(fields[2], 10, 64)
	if err1 != nil || err2 != nil || size < 0 {
		return entry{}, fmt.Errorf("%s: bad size or time", path)
	}
	return entry{output: output, size: size, time: time.Unix(0, nanos)}, nil
}

// writeAtomic writes through a temporary file and a rename, so that a reader (another go command,
// the control plane copying entries) never sees half a file.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
