package testenv

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// ChromiumEnv names the variable that may point at another Chromium binary
// than DefaultChromium.
const ChromiumEnv = "CETATE_CHROMIUM"

// DefaultChromium is where Debian's chromium package puts the browser.
const DefaultChromium = "/usr/bin/chromium"

// ArtifactsEnv names the variable holding the folder for test artefacts
// (screenshots); by default it is <repo root>/test-artifacts.
const ArtifactsEnv = "CETATE_ARTIFACTS"

// ActionTimeout bounds every single browser action (a navigation, a click and
// the page load it causes, a query), so a broken page fails in seconds, not at
// the go test deadline.
const ActionTimeout = 15 * time.Second

// startTimeout bounds starting Chromium and opening a tab.
const startTimeout = 30 * time.Second

// navGrace is how long Click and Press wait for a navigation to begin before
// deciding the action did not navigate. A link or a submit button starts its
// navigation well within it; a script that navigates later is not waited for.
const navGrace = 250 * time.Millisecond

// Browser is a real headless Chromium driven by chromedp, for page tests. It
// runs one browser process with a fresh profile and closes it when the test
// that made it ends.
type Browser struct {
	ctx     context.Context // the chromedp context of the browser's first tab
	version string
}

// NewBrowser starts a headless Chromium (/usr/bin/chromium, or $CETATE_CHROMIUM)
// for this test and closes it at t.Cleanup. A missing browser skips the test
// outside CI and fails it under CI=true.
func NewBrowser(t *testing.T) *Browser {
	t.Helper()
	path := os.Getenv(ChromiumEnv)
	if path == "" {
		path = DefaultChromium
	}
	if _, err := exec.LookPath(path); err != nil {
		Unavailable(t, "Chromium ("+path+", or set "+ChromiumEnv+")")
	}

	out := &tailBuffer{max: 8 << 10}
	// The flags the machine notes ask for: without the background-networking
	// ones Chromium keeps trying to reach Google on a machine with no network.
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("disable-client-side-phishing-detection", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints,AutofillServerCommunication,CertificateTransparencyComponentUpdater"),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("no-proxy-server", true), // tests only talk to loopback
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("font-render-hinting", "none"), // steadier screenshots
		chromedp.Flag("lang", "ro-RO"),               // Romanian is the reference language
		chromedp.Flag("accept-lang", "ro-RO,ro"),
		chromedp.WindowSize(1280, 1024),
		chromedp.CombinedOutput(out),
	}
	// A fresh user-data-dir per browser: without UserDataDir the allocator
	// makes a temporary one and removes it when Chromium exits.
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, ctxCancel := chromedp.NewContext(allocCtx)

	// The first Do starts the process, and binds its life to ctx: it must not
	// carry a deadline, so the start is bounded here instead.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	var err error
	select {
	case err = <-started:
	case <-time.After(startTimeout):
		err = fmt.Errorf("no answer within %s", startTimeout)
	}
	if err != nil {
		ctxCancel()
		allocCancel()
		t.Fatalf("testenv: start Chromium %s: %v\nbrowser output:\n%s", path, err, out.String())
	}
	b := &Browser{ctx: ctx}
	t.Cleanup(func() {
		// Close gracefully if Chromium answers quickly; then kill whatever is
		// left and remove the profile (allocCancel waits for both).
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		_ = chromedp.Cancel(cctx)
		cancel()
		ctxCancel()
		allocCancel()
	})
	vctx, cancel := context.WithTimeout(ctx, ActionTimeout)
	defer cancel()
	if v, err := chromedp.CallBrowser(vctx, browser.GetVersion, cdp.Empty{}); err == nil {
		b.version = v.Product
	}
	return b
}

// Version is the browser's product string, such as "Chrome/156.0.8078.79".
func (b *Browser) Version() string { return b.version }

// Page is one browser tab bound to a test: every action fails that test
// (t.Fatal) with a message naming the action, the selector and the page.
type Page struct {
	t      *testing.T
	ctx    context.Context
	status int64 // HTTP status of the last document loaded by an action
}

// Page opens a new tab in the browser, closed when t ends.
func (b *Browser) Page(t *testing.T) *Page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	t.Cleanup(cancel)
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }() // opens the tab, with no deadline
	var err error
	select {
	case err = <-started:
	case <-time.After(startTimeout):
		err = fmt.Errorf("no answer within %s", startTimeout)
	}
	if err != nil {
		t.Fatalf("testenv: open a browser tab: %v", err)
	}
	p := &Page{t: t, ctx: ctx}
	// A headless tab is not "focused" unless told so, and an unfocused page
	// matches neither :focus nor :focus-visible: the keyboard checks need it.
	p.do("open tab", func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
		return err
	})
	return p
}

// Go navigates to addr and waits for the page to load. An addr starting with
// "/" is taken relative to the page's current address. A network error fails
// the test; an HTTP error status does not (see Status).
func (p *Page) Go(addr string) {
	p.t.Helper()
	if strings.HasPrefix(addr, "/") && !strings.HasPrefix(addr, "//") {
		if cur, err := url.Parse(p.URL()); err == nil && strings.HasPrefix(cur.Scheme, "http") {
			if ref, err := url.Parse(addr); err == nil {
				addr = cur.ResolveReference(ref).String()
			}
		}
	}
	p.navigate("Go "+addr, "", navMust, func(ctx context.Context) error {
		res, err := chromedp.Call(ctx, page.Navigate, page.NavigateParams{URL: addr})
		if err == nil && res.ErrorText != "" {
			err = errors.New(res.ErrorText)
		}
		return err
	})
}

// Status is the HTTP status of the last page that Go, Click, Submit or Press
// loaded (0 before any).
func (p *Page) Status() int { return int(p.status) }

// Fill sets a text field or textarea to value, as typing would: it focuses the
// field, replaces its text, fires input and change, and checks the field then
// holds value (a maxlength or a number field can refuse it).
func (p *Page) Fill(selector, value string) {
	p.t.Helper()
	what := fmt.Sprintf("Fill %q", selector)
	mode := p.onElement(what, selector, true, `function() {
		const tag = this.tagName.toLowerCase();
		if (tag === 'select') return 'error:is a <select>; use Select';
		if (tag === 'input' && (this.type === 'checkbox' || this.type === 'radio')) return 'error:is a ' + this.type + '; use Check';
		if (tag === 'input' && this.type === 'file') return 'error:is a file input; use Upload';
		if (tag !== 'input' && tag !== 'textarea' && !this.isContentEditable) return 'error:is a <' + tag + '>, not a field';
		if (this.disabled) return 'error:is disabled';
		if (this.readOnly) return 'error:is read-only';
		this.focus();
		const typed = tag === 'textarea' || ['', 'text', 'search', 'email', 'tel', 'url', 'password', 'number'].includes(this.type);
		if (!typed) return 'set';
		this.value = '';
		this.dispatchEvent(new Event('input', {bubbles: true}));
		return 'type';
	}`)
	if strings.HasPrefix(mode, "error:") {
		p.t.Fatalf("testenv: %s on %s: the element %s", what, p.where(), strings.TrimPrefix(mode, "error:"))
	}
	p.do(what, func(ctx context.Context) error {
		if mode == "type" && value != "" {
			_, err := chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: value})
			return err
		}
		return nil
	})
	got := p.onElement(what, selector, false, `function(v, set) {
		if (set) { this.value = v; this.dispatchEvent(new Event('input', {bubbles: true})); }
		this.dispatchEvent(new Event('change', {bubbles: true}));
		return this.value;
	}`, value, mode == "set")
	if got != value {
		p.t.Fatalf("testenv: %s on %s: the field holds %q after filling in %q", what, p.where(), got, value)
	}
}

// Select chooses the option of a <select> whose value, or else whose visible
// text, is value, and fires input and change. A missing option fails the test,
// listing the options there are.
func (p *Page) Select(selector, value string) {
	p.t.Helper()
	what := fmt.Sprintf("Select %q %q", selector, value)
	if msg := p.onElement(what, selector, true, `function(v) {
		if (this.tagName !== 'SELECT') return 'is a <' + this.tagName.toLowerCase() + '>, not a <select>';
		if (this.disabled) return 'is disabled';
		const opts = [...this.options];
		const o = opts.find(o => o.value === v) || opts.find(o => o.text.trim() === v);
		if (!o) return 'has no option ' + JSON.stringify(v) + '; its options are: ' +
			opts.map(o => JSON.stringify(o.value) + ' (' + o.text.trim() + ')').join(', ');
		this.focus();
		if (this.multiple) o.selected = true; else this.value = o.value;
		this.dispatchEvent(new Event('input', {bubbles: true}));
		this.dispatchEvent(new Event('change', {bubbles: true}));
		return '';
	}`, value); msg != "" {
		p.t.Fatalf("testenv: %s on %s: the element %s", what, p.where(), msg)
	}
}

// Check ticks a checkbox or chooses a radio button (clicking it, so the page's
// own handlers run); one already checked is left as it is.
func (p *Page) Check(selector string) {
	p.t.Helper()
	what := fmt.Sprintf("Check %q", selector)
	if msg := p.onElement(what, selector, false, `function() {
		if (this.tagName !== 'INPUT' || (this.type !== 'checkbox' && this.type !== 'radio')) return 'is not a checkbox or radio button';
		if (this.disabled) return 'is disabled';
		if (!this.checked) this.click();
		return this.checked ? '' : 'did not become checked when clicked';
	}`); msg != "" {
		p.t.Fatalf("testenv: %s on %s: the element %s", what, p.where(), msg)
	}
}

// Upload puts the file at path into a file input.
func (p *Page) Upload(selector string, path string) {
	p.t.Helper()
	what := fmt.Sprintf("Upload %q %s", selector, path)
	abs, err := filepath.Abs(path)
	if err == nil {
		_, err = os.Stat(abs)
	}
	if err != nil {
		p.t.Fatalf("testenv: %s: %v", what, err)
	}
	if msg := p.onElement(what, selector, false, `function() {
		return this.tagName === 'INPUT' && this.type === 'file' ? '' : 'is not a file input';
	}`); msg != "" {
		p.t.Fatalf("testenv: %s on %s: the element %s", what, p.where(), msg)
	}
	p.doOn(what, selector, func(ctx context.Context) error {
		return chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS(selector), []string{abs}))
	})
}

// Click clicks the visible element with the mouse, at its centre, and waits
// for the page load that follows if the click starts a navigation (within
// 250 ms, as a link or a submit button does).
func (p *Page) Click(selector string) {
	p.t.Helper()
	p.navigate(fmt.Sprintf("Click %q", selector), selector, navMaybe, func(ctx context.Context) error {
		return chromedp.Do(ctx, chromedp.Click(chromedp.CSS(selector)))
	})
}

// Submit submits the form that contains selector (or that selector is), as
// its submit button would — the browser's own validation first, a submit
// button as the submitter — and waits for the next page. A form the browser
// refuses, or one that loads no page, fails the test.
func (p *Page) Submit(selector string) {
	p.t.Helper()
	what := fmt.Sprintf("Submit %q", selector)
	p.navigate(what, selector, navMust, func(ctx context.Context) error {
		msg, err := chromedp.Run(ctx, chromedp.QueryAfter(chromedp.CSS(selector),
			func(ctx context.Context, t *chromedp.Target, nodes []*chromedp.Node) (string, error) {
				return callOnNode[string](ctx, t, nodes[0], `function() {
					const f = this.tagName === 'FORM' ? this : (this.form || this.closest('form'));
					if (!f) return 'the element is not inside a form';
					const sub = (this.type === 'submit' && this.form === f) ? this : null;
					if (!f.noValidate && !(sub && sub.formNoValidate) && !f.checkValidity()) {
						const bad = [...f.elements].filter(e => e.willValidate && !e.checkValidity())
							.map(e => (e.name || e.id || e.tagName.toLowerCase()) + ': ' + e.validationMessage);
						return 'the browser refuses the form: ' + bad.join('; ');
					}
					f.requestSubmit(sub);
					return '';
				}`)
			}))
		if err == nil && msg != "" {
			err = errors.New(msg)
		}
		return err
	})
}

// Text is the visible text (innerText) of the first element matching
// selector; "" if it is hidden.
func (p *Page) Text(selector string) string {
	p.t.Helper()
	var s string
	p.doOn(fmt.Sprintf("Text %q", selector), selector, func(ctx context.Context) (err error) {
		s, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(selector)))
		return err
	})
	return s
}

// HTML is the page's current DOM serialised (document.documentElement.outerHTML).
func (p *Page) HTML() string {
	p.t.Helper()
	var s string
	p.do("HTML", func(ctx context.Context) (err error) {
		s, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
		return err
	})
	return s
}

// URL is the page's current address.
func (p *Page) URL() string {
	p.t.Helper()
	var s string
	p.do("URL", func(ctx context.Context) (err error) {
		s, err = chromedp.Run(ctx, chromedp.Location())
		return err
	})
	return s
}

var shots struct {
	sync.Mutex
	n map[string]int // screenshots taken so far per test
}

// Screenshot writes a full-page PNG to
// <artefacts>/screenshots/<TestName>/<NN>-<name>.png, where <artefacts> is
// $CETATE_ARTIFACTS or <repo root>/test-artifacts, and logs the path. The
// test's folder is emptied at its first screenshot in a run, so it never
// mixes pictures of two runs.
func (p *Page) Screenshot(name string) {
	p.t.Helper()
	base := os.Getenv(ArtifactsEnv)
	if base == "" {
		root, err := RepoRoot()
		if err != nil {
			p.t.Fatalf("testenv: Screenshot: %v", err)
		}
		base = filepath.Join(root, "test-artifacts")
	}
	var parts []string
	for _, s := range strings.Split(p.t.Name(), "/") {
		parts = append(parts, safeName(s))
	}
	dir := filepath.Join(append([]string{base, "screenshots"}, parts...)...)

	shots.Lock()
	if shots.n == nil {
		shots.n = map[string]int{}
	}
	n := shots.n[dir] + 1
	shots.n[dir] = n
	shots.Unlock()
	if n == 1 {
		os.RemoveAll(dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatalf("testenv: Screenshot: %v", err)
	}

	var png []byte
	p.do("Screenshot "+name, func(ctx context.Context) (err error) {
		png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100 gives PNG
		return err
	})
	file := filepath.Join(dir, fmt.Sprintf("%02d-%s.png", n, safeName(name)))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		p.t.Fatalf("testenv: Screenshot: %v", err)
	}
	p.t.Logf("screenshot %s", file)
}

// SetViewport sets the layout viewport to width × height CSS pixels, such as
// 320 wide for the WCAG reflow check.
func (p *Page) SetViewport(width, height int) {
	p.t.Helper()
	p.do(fmt.Sprintf("SetViewport %dx%d", width, height), func(ctx context.Context) error {
		return chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height)))
	})
}

// ScrollsSideways reports whether the page is wider than the viewport, so a
// reader must scroll horizontally (WCAG 1.4.10 Reflow fails at 320 px).
func (p *Page) ScrollsSideways() bool {
	return p.eval("ScrollsSideways",
		`document.documentElement.scrollWidth > document.documentElement.clientWidth`)
}

// SetLanguage sets the Accept-Language header of the tab's requests, such as
// "hu" or "en-GB,en"; the browser starts as "ro-RO,ro".
func (p *Page) SetLanguage(accept string) {
	p.t.Helper()
	p.do("SetLanguage "+accept, func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
			Headers: network.Headers{"Accept-Language": accept},
		})
		return err
	})
}

// Tab presses the Tab key and describes the element that has the focus then:
// tag#id[name=…][type=…][href=…] followed by its label or text in quotes, or
// "body" when nothing has the focus.
func (p *Page) Tab() string {
	p.t.Helper()
	p.Press("Tab")
	return p.Focused()
}

// Focused describes the element that has the focus, as Tab does.
func (p *Page) Focused() string {
	p.t.Helper()
	var s string
	p.do("Focused", func(ctx context.Context) (err error) {
		s, err = chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
			const e = document.activeElement;
			if (!e || e === document.body || e === document.documentElement) return 'body';
			let d = e.tagName.toLowerCase();
			if (e.id) d += '#' + e.id;
			for (const a of ['name', 'type', 'href']) {
				if (e.hasAttribute(a)) d += '[' + a + '=' + e.getAttribute(a) + ']';
			}
			const label = e.getAttribute('aria-label') || (e.labels && e.labels.length ? e.labels[0].innerText : '') ||
				e.innerText || e.value || e.getAttribute('title') || '';
			const l = String(label).trim().replace(/\s+/g, ' ').slice(0, 80);
			return l ? d + ' "' + l + '"' : d;
		})()`))
		return err
	})
	return s
}

// FocusVisible reports whether the focused element shows a focus indicator:
// a computed outline that is not none, zero-width or transparent, or a
// box-shadow that is not none. False when nothing has the focus.
func (p *Page) FocusVisible() bool {
	return p.eval("FocusVisible", `(() => {
		const e = document.activeElement;
		if (!e || e === document.body || e === document.documentElement) return false;
		const s = getComputedStyle(e);
		const clear = c => c === 'transparent' || /^rgba\(.*,\s*0\)$/.test(c);
		const outline = s.outlineStyle !== 'none' && !clear(s.outlineColor) &&
			(s.outlineStyle === 'auto' || parseFloat(s.outlineWidth) > 0);
		const shadow = s.boxShadow !== '' && s.boxShadow !== 'none';
		return outline || shadow;
	})()`)
}

// keys the Press method knows, as DevTools wants them.
var keys = map[string]input.DispatchKeyEventParams{
	"Tab":        {Key: "Tab", Code: "Tab", WindowsVirtualKeyCode: 9},
	"Enter":      {Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, Text: "\r"},
	"Space":      {Key: " ", Code: "Space", WindowsVirtualKeyCode: 32, Text: " "},
	"Escape":     {Key: "Escape", Code: "Escape", WindowsVirtualKeyCode: 27},
	"ArrowDown":  {Key: "ArrowDown", Code: "ArrowDown", WindowsVirtualKeyCode: 40},
	"ArrowUp":    {Key: "ArrowUp", Code: "ArrowUp", WindowsVirtualKeyCode: 38},
	"ArrowLeft":  {Key: "ArrowLeft", Code: "ArrowLeft", WindowsVirtualKeyCode: 37},
	"ArrowRight": {Key: "ArrowRight", Code: "ArrowRight", WindowsVirtualKeyCode: 39},
	"Home":       {Key: "Home", Code: "Home", WindowsVirtualKeyCode: 36},
	"End":        {Key: "End", Code: "End", WindowsVirtualKeyCode: 35},
}

// Press presses and releases one key on the focused element — Tab, Enter,
// Space, Escape, ArrowDown/Up/Left/Right, Home or End, optionally after
// "Shift+". After Enter or Space it waits for the page load that follows, if
// the key starts a navigation (Enter on a link, Space on a submit button).
func (p *Page) Press(key string) {
	p.t.Helper()
	name, shift := strings.CutPrefix(key, "Shift+")
	k, ok := keys[name]
	if !ok {
		p.t.Fatalf("testenv: Press %q: unknown key", key)
	}
	if shift {
		k.Modifiers = 8
	}
	k.NativeVirtualKeyCode = k.WindowsVirtualKeyCode
	mode := navNone
	if name == "Enter" || name == "Space" {
		mode = navMaybe
	}
	p.navigate("Press "+key, "", mode, func(ctx context.Context) error {
		down := k
		down.Type = input.DispatchKeyEventTypeRawKeyDown
		if k.Text != "" {
			down.Type = input.DispatchKeyEventTypeKeyDown
		}
		if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, down); err != nil {
			return err
		}
		up := k
		up.Type, up.Text = input.DispatchKeyEventTypeKeyUp, ""
		_, err := chromedp.Call(ctx, input.DispatchKeyEvent, up)
		return err
	})
}

// ---- internals ----

// do runs f with the per-action timeout and fails the test readably on error.
func (p *Page) do(what string, f func(ctx context.Context) error) {
	p.t.Helper()
	p.doOn(what, "", f)
}

// doOn is do for an action on the element selector names: a timeout then
// says whether the selector matches nothing, or nothing visible.
func (p *Page) doOn(what, selector string, f func(ctx context.Context) error) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, ActionTimeout)
	defer cancel()
	if err := f(ctx); err != nil {
		p.failOn(what, selector, err)
	}
}

func (p *Page) fail(what string, err error) {
	p.t.Helper()
	p.failOn(what, "", err)
}

func (p *Page) failOn(what, selector string, err error) {
	p.t.Helper()
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("nothing happened within %s", ActionTimeout)
		if selector != "" {
			err = fmt.Errorf("%w: %s", err, p.explain(selector))
		}
	} else if selector != "" && strings.Contains(err.Error(), "querying") {
		err = fmt.Errorf("%w: %s", err, p.explain(selector))
	}
	p.t.Fatalf("testenv: %s on %s: %v", what, p.where(), err)
}

// explain says why an action on selector found nothing to act on.
func (p *Page) explain(selector string) string {
	ctx, cancel := context.WithTimeout(p.ctx, 2*time.Second)
	defer cancel()
	sel, _ := json.Marshal(selector)
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		let all;
		try { all = [...document.querySelectorAll(`+string(sel)+`)]; } catch (e) { return 'it is not a valid CSS selector'; }
		if (all.length === 0) return 'no element matches it';
		const shown = all.filter(e => e.offsetWidth || e.offsetHeight || e.getClientRects().length).length;
		return all.length + ' element(s) match it, ' + shown + ' of them visible';
	})()`))
	if err != nil {
		return "the page could not be asked why"
	}
	return s
}

// where names the page for a failure message, without failing again.
func (p *Page) where() string {
	ctx, cancel := context.WithTimeout(p.ctx, 2*time.Second)
	defer cancel()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "the page (address unknown)"
	}
	title, _ := chromedp.Run(ctx, chromedp.Title())
	if title != "" {
		return fmt.Sprintf("%s (%q)", u, title)
	}
	return u
}

func (p *Page) eval(what, expr string) bool {
	p.t.Helper()
	var v bool
	p.do(what, func(ctx context.Context) (err error) {
		v, err = chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		return err
	})
	return v
}

// onElement waits for the first element matching selector (visible, if
// visible is set) and calls the JavaScript function fn on it with args; fn
// returns a string.
func (p *Page) onElement(what, selector string, visible bool, fn string, args ...any) string {
	p.t.Helper()
	opts := []chromedp.QueryOption{}
	if visible {
		opts = append(opts, chromedp.NodeVisible)
	}
	var s string
	p.doOn(what, selector, func(ctx context.Context) (err error) {
		s, err = chromedp.Run(ctx, chromedp.QueryAfter(chromedp.CSS(selector),
			func(ctx context.Context, t *chromedp.Target, nodes []*chromedp.Node) (string, error) {
				return callOnNode[string](ctx, t, nodes[0], fn, args...)
			}, opts...))
		return err
	})
	return s
}

// callOnNode calls a JavaScript function with the node as this.
func callOnNode[T any](ctx context.Context, t *chromedp.Target, n *chromedp.Node, fn string, args ...any) (T, error) {
	var zero T
	r, err := cdp.Call(ctx, t, dom.ResolveNode, dom.ResolveNodeParams{NodeID: n.NodeID})
	if err != nil {
		return zero, err
	}
	defer cdp.Call(ctx, t, runtime.ReleaseObject, runtime.ReleaseObjectParams{ObjectID: r.Object.ObjectID})
	return chromedp.CallFunctionOn[T](fn, func(p *runtime.CallFunctionOnParams) {
		p.ObjectID = r.Object.ObjectID
	}, args...)(ctx, t)
}

type navMode int

const (
	navNone  navMode = iota // the action is not expected to navigate: do not wait
	navMaybe                // wait for a load only if a navigation begins within navGrace
	navMust                 // a navigation must follow, and its load is waited for
)

// navigate runs trigger (an action on selector, if not "") and waits, as mode
// says, for the main frame's next document to load. It listens before the
// trigger, so no event is missed.
func (p *Page) navigate(what, selector string, mode navMode, trigger func(ctx context.Context) error) {
	p.t.Helper()
	if mode == navNone {
		p.doOn(what, selector, trigger)
		return
	}
	ctx, cancel := context.WithTimeout(p.ctx, ActionTimeout)
	defer cancel()
	tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		p.fail(what, err)
	}
	w := &navWatch{main: tree.FrameTree.Frame.ID, changed: make(chan struct{}, 1)}
	lctx, lcancel := context.WithCancel(ctx)
	defer lcancel()
	if err := chromedp.Listen(lctx, w.handle); err != nil {
		p.fail(what, err)
	}
	if err := trigger(ctx); err != nil {
		p.failOn(what, selector, err)
	}
	grace := time.NewTimer(navGrace)
	defer grace.Stop()
	graceOver := false
	for {
		w.mu.Lock()
		started, done, failed, status := w.started, w.done, w.failed, w.status
		w.mu.Unlock()
		if done {
			if failed != "" {
				p.fail(what, fmt.Errorf("the page did not load: %s", failed))
			}
			if status != 0 {
				p.status = status
			}
			return
		}
		if !started && graceOver && mode == navMaybe {
			return
		}
		select {
		case <-w.changed:
		case <-grace.C:
			graceOver = true
		case <-ctx.Done():
			if started {
				p.fail(what, fmt.Errorf("a navigation began but the page did not finish loading within %s", ActionTimeout))
			}
			p.fail(what, fmt.Errorf("no new page loaded within %s", ActionTimeout))
		}
	}
}

// navWatch follows one navigation of the main frame from DevTools events. Its
// handle runs on chromedp's reading goroutine, so it only records and signals.
type navWatch struct {
	main    cdp.FrameID
	changed chan struct{}

	mu      sync.Mutex
	started bool // a navigation of the main frame began
	newDoc  bool // its new document exists (lifecycle "init")
	done    bool
	docReq  network.RequestID
	status  int64
	failed  string
}

func (w *navWatch) handle(ev any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch ev := ev.(type) {
	case *page.EventFrameRequestedNavigation:
		if ev.FrameID == w.main {
			w.started = true
		}
	case *page.EventFrameStartedNavigating:
		if ev.FrameID == w.main {
			w.started = true
		}
	case *page.EventFrameStartedLoading:
		if ev.FrameID == w.main {
			w.started = true
		}
	case *page.EventLifecycleEvent:
		if ev.FrameID == w.main && ev.Name == "init" {
			w.started, w.newDoc = true, true
		}
	case *page.EventLoadEventFired:
		if w.newDoc {
			w.done = true
		}
	case *page.EventFrameStoppedLoading:
		// Also ends a navigation that loads no document (a 204, a download).
		if ev.FrameID == w.main && w.started {
			w.done = true
		}
	case *page.EventNavigatedWithinDocument:
		if ev.FrameID == w.main {
			w.started, w.done = true, true
		}
	case *network.EventRequestWillBeSent:
		if ev.FrameID == w.main && ev.Type == network.ResourceTypeDocument {
			w.docReq = ev.RequestID
		}
	case *network.EventResponseReceived:
		if ev.RequestID == w.docReq && ev.Response != nil {
			w.status = ev.Response.Status
		}
	case *network.EventLoadingFailed:
		if ev.RequestID == w.docReq && !ev.Canceled {
			w.failed = ev.ErrorText
		}
	default:
		return
	}
	select {
	case w.changed <- struct{}{}:
	default:
	}
}

// RepoRoot is the folder holding go.mod, found by walking up from the
// working directory (a package folder under go test).
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func safeName(s string) string {
	s = strings.Trim(unsafeChars.ReplaceAllString(s, "_"), "_.")
	if s == "" {
		return "_"
	}
	return s
}

// tailBuffer keeps the last max bytes written to it: Chromium's output, shown
// when it fails to start.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if extra := b.buf.Len() - b.max; extra > 0 {
		b.buf.Next(extra)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
