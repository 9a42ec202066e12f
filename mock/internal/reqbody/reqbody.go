// Package reqbody reads request bodies for the vendor APIs.
package reqbody

import (
	"io"
	"net/http"
)

// Read reads r's body as io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
// does: the same bytes, and a *http.MaxBytesError past limit. A small body
// of announced length is read into one buffer of that length. io.ReadAll
// starts at 512 bytes, many times a small JSON body, and that buffer was a
// tenth of what an otark PATCH allocated; net/http already stops such a
// body at its announced length.
func Read(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if n := r.ContentLength; n > 0 && n <= min(limit, presizeLimit) {
		buf := make([]byte, n)
		if _, err := io.ReadFull(r.Body, buf); err != nil {
			return nil, err
		}
		return buf, nil
	}
	return io.ReadAll(http.MaxBytesReader(innermost(w), r.Body, limit))
}

// innermost is net/http's own ResponseWriter under the wrappers (the
// journal's): MaxBytesReader tells only that one to close the connection
// after the answer (Connection: close), so that the client's unread rest
// is not taken for its next request. Handed a wrapper, it tells no one.
func innermost(w http.ResponseWriter) http.ResponseWriter {
	for range 8 { // wrappers are the mock's own; a cycle ends here
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			break
		}
		w = u.Unwrap()
	}
	return w
}

// presizeLimit bounds what an announced length alone makes Read allocate:
// a client that announces a megabyte and sends nothing must not get one
// per connection. Larger bodies grow with what arrives.
const presizeLimit = 16 << 10
