package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gridtwin/gridtwin/mock"
)

// chromium finds Debian's chromium (or another Chrome). CI installs it, so
// there a missing browser fails the test instead of skipping it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium on PATH; .ci/run installs it with apt-get install -y chromium")
	}
	t.Skip("no chromium on PATH: the dashboard test needs a browser (apt-get install chromium)")
	return ""
}

func browser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.Flag("no-sandbox", true), // CI runs as root
		chromedp.Flag("disable-gpu", true),
		chromedp.WindowSize(1400, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	// The first Run starts the browser, for as long as its context lives:
	// it must not have a timeout of its own.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("chromium did not start: %v", err)
	}
	return ctx
}

// waitFor polls a JavaScript predicate in the page for up to 15 s.
func waitFor(t *testing.T, ctx context.Context, what, predicate string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](predicate)); err != nil {
		page, _ := chromedp.Run(ctx, chromedp.Evaluate[string]("document.body.innerText"))
		t.Fatalf("%s: %v\npage text:\n%s", what, err, page)
	}
}

const (
	journalText = `document.querySelector('[data-testid="journal"]').innerText`
	stateText   = `document.querySelector('[data-testid="state"]').innerText`
)

func TestDashboardInChromium(t *testing.T) {
	ctx := browser(t)
	h, err := mock.New(mock.Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/__admin/")); err != nil {
		t.Fatalf("the dashboard did not load: %v", err)
	}
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil || !strings.Contains(title, "gridtwin") {
		t.Fatalf("title %q, %v", title, err)
	}
	waitFor(t, ctx, "the state of every API", `["otark","podero","esmart"].every(a => document.querySelector('[data-testid="state-' + a + '"]'))`)

	// A request the test sends appears without a reload, and so does the
	// state it changed.
	res, _ := send(t, http.MethodPatch, srv.URL+"/v1/customers/cust_r8s9t0u1", map[string]string{
		"X-Api-Key": "otk_demo_write_nordlicht", "Content-Type": "application/json",
	}, `{"metadata":{"dashboard_probe":"seen-in-chromium"}}`)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("PATCH: %d", res.StatusCode)
	}
	waitFor(t, ctx, "the request in the journal", journalText+`.includes("PATCH /v1/customers/cust_r8s9t0u1")`)
	waitFor(t, ctx, "the changed state", stateText+`.includes("seen-in-chromium")`)
	row, _ := chromedp.Run(ctx, chromedp.Evaluate[string](journalText))
	if !strings.Contains(row, "200") || !strings.Contains(row, "otark") {
		t.Errorf("journal row: %q", row)
	}
	if path := os.Getenv("GRIDTWIN_DASHBOARD_SCREENSHOT"); path != "" {
		screenshot(t, ctx, srv.URL, path)
	}

	// Reset resets: the page's button puts the fixtures back.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`document.querySelector('[data-testid="reset"]').click()`)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the state after reset", `!`+stateText+`.includes("seen-in-chromium") && `+stateText+`.includes("SolarDach")`)
	if strings.Contains(fetchState(t, srv.URL), "seen-in-chromium") {
		t.Fatal("the dashboard's reset did not reset the mock")
	}
}

// screenshot fills the journal with a few answers and saves the page, for
// docs/dashboard.png: GRIDTWIN_DASHBOARD_SCREENSHOT=$PWD/docs/dashboard.png.
func screenshot(t *testing.T, ctx context.Context, base, path string) {
	t.Helper()
	send(t, http.MethodPatch, base+"/v1/customers/cust_r8s9t0u1", map[string]string{
		"X-Api-Key": "otk_demo_write_nordlicht", "Content-Type": "application/json",
	}, `{"name":"Renamed"}`)
	send(t, http.MethodPatch, base+"/api/customers/1001", map[string]string{
		"Authorization": "Basic a2FyaS5ub3JkbWFubjpGam9yZC0xMDAx", "Content-Type": "application/json",
	}, `{"Email":"not-an-address"}`)
	send(t, http.MethodPatch, base+"/v1/customers/cust_r8s9t0u1", map[string]string{"Prefer": "fault=503"}, "")
	if err := chromedp.Do(ctx, chromedp.Sleep(1500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func fetchState(t *testing.T, base string) string {
	t.Helper()
	_, body := send(t, http.MethodGet, base+"/__admin/state", nil, "")
	return body
}
