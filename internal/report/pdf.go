package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"os"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// DefaultChromium is where Debian's chromium package puts the browser.
const DefaultChromium = "/usr/bin/chromium"

// ErrNoChromium says that no Chromium is installed to print a PDF with.
var ErrNoChromium = errors.New("no Chromium to print the PDF with: install Debian's chromium package, or set UTSYN_CHROMIUM to the browser")

// FindChromium returns the browser to print PDFs with: the file $UTSYN_CHROMIUM names, or
// /usr/bin/chromium; "" when there is none.
func FindChromium(getenv func(string) string) string {
	exe := getenv("UTSYN_CHROMIUM")
	if exe == "" {
		exe = DefaultChromium
	}
	if st, err := os.Stat(exe); err != nil || st.IsDir() {
		return ""
	}
	return exe
}

// PDFOptions say how to print a report as PDF.
type PDFOptions struct {
	Chromium string // the browser; "" gives ErrNoChromium
	HTML     HTMLOptions
	CSS      string        // the style sheet, whose print rules lay the report out on A4
	Timeout  time.Duration // for the whole print; a minute when zero
}

// PDF prints the report as an A4 PDF with headless Chromium: the standalone document
// (Document) printed with its headings as the PDF's outline, as a tagged PDF (its structure
// for screen readers, in the report's language) whose title is the document's title, with
// page numbers at the foot of each page.
func (r *Report) PDF(ctx context.Context, w io.Writer, o PDFOptions) error {
	if o.Chromium == "" {
		return ErrNoChromium
	}
	if o.Timeout == 0 {
		o.Timeout = time.Minute
	}
	var doc bytes.Buffer
	if err := r.Document(&doc, o.HTML, o.CSS); err != nil {
		return err
	}
	v := r.view(o.HTML)
	footer := `<div style="font-size:8px;width:100%;padding:0 16mm;font-family:sans-serif;display:flex;justify-content:space-between">` +
		`<span>` + template.HTMLEscapeString(v.DocumentTitle()) + `</span>` +
		`<span>` + template.HTMLEscapeString(v.T("report.pdf.page")) + ` <span class="pageNumber"></span> / <span class="totalPages"></span></span></div>`

	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(o.Chromium),
		chromedp.NoSandbox, // servers and containers often run as root, which the sandbox refuses
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()

	err := chromedp.Do(browserCtx,
		chromedp.Navigate("about:blank"),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			tree, err := cdp.Call(ctx, t, page.GetFrameTree, cdp.Empty{})
			if err != nil {
				return err
			}
			_, err = cdp.Call(ctx, t, page.SetDocumentContent, page.SetDocumentContentParams{FrameID: tree.FrameTree.Frame.ID, HTML: doc.String()})
			return err
		}),
	)
	if err != nil {
		return fmt.Errorf("print the report: %w", err)
	}
	pdf, err := chromedp.Run(browserCtx, chromedp.PrintToPDF(
		chromedp.PDFPaper(chromedp.PaperA4),
		chromedp.PDFMargins(0.7, 0.63, 0.75, 0.63),
		chromedp.PDFOutlineAndTagged(),
		chromedp.PDFHeaderTemplate(`<span></span>`),
		chromedp.PDFFooterTemplate(footer),
		chromedp.PDFStream(),
	))
	if err != nil {
		return fmt.Errorf("print the report: %w", err)
	}
	_, err = w.Write(pdf)
	return err
}
