package web

import (
	"bytes"
	"html/template"
	"net/url"

	"github.com/utsyn/utsyn/internal/i18n"
)

// frame is what surrounds every page's content (the layout): its head, the site's header and
// menu, the breadcrumbs, the demo notice and the footer, worked out here once per page and
// written by writeTop and writeBottom. Each of a template's actions is a call by reflection,
// with more to escape its value: the layout as a template, its sixty actions looking up its
// words one by one, was a third of a register page's time, and with its words worked out
// here still a sixth of an uncached one's (docs/PERFORMANCE.md).
type frame struct {
	W                 *frameWords // the layout's words and fixed links in the page's language
	Lang, AltLang     i18n.Lang
	Path              string // the path without the language, as page.Path
	Title             string // the page's title with the site's name
	SelfHref, AltHref string
	HomeHref, Brand   string // the organisation's front page and name, or the site's
	User              string // the signed-in person's e-mail, "" when no one is
	Nav               []navLink
	Crumbs            []crumb
	Demo              *demoNotice
}

// navLink is an entry of the main menu.
type navLink struct {
	Href, Label string
	Current     bool
}

// demoNotice says that the organisation's data is the demo data set, and where it came from.
type demoNotice struct {
	Note      template.HTML
	SourceURL string
}

// frameWords are the layout's words in one language, with the links that never change, looked
// up once when the server starts.
type frameWords struct {
	SiteName, Skip, LangSwitch, Account, SignOut, SignIn, MainNav, Breadcrumbs    string
	DemoLabel, DemoSource, Accessibility, Privacy, API, MadeWith                  string
	Home, Strategies, Plans, Work, Register, Dashboards, Users, Audit, SSO        string
	StyleHref, IconHref, AccountHref, SignOutHref, AccessibilityHref, PrivacyHref string
}

func newFrameWords(cat *i18n.Catalog, lang i18n.Lang, assetHash, version string) *frameWords {
	t := func(key string, args ...any) string { return cat.T(lang, key, args...) }
	in := "/" + string(lang) + "/"
	return &frameWords{
		SiteName: t("site.name"), Skip: t("nav.skip"), LangSwitch: t("lang.switch"), Account: t("nav.account"),
		SignOut: t("nav.signout"), SignIn: t("nav.signin"), MainNav: t("nav.main"), Breadcrumbs: t("nav.breadcrumbs"),
		DemoLabel: t("demo.label"), DemoSource: t("demo.source"), Accessibility: t("footer.accessibility"),
		Privacy: t("footer.privacy"), API: t("footer.api"), MadeWith: t("footer.made_with", "version", version),
		Home: t("nav.home"), Strategies: t("nav.strategies"), Plans: t("nav.plans"), Work: t("nav.work"),
		Register: t("nav.register"), Dashboards: t("nav.dashboards"), Users: t("nav.users"), Audit: t("nav.audit"), SSO: t("nav.sso"),
		StyleHref: "/static/style.css?v=" + assetHash, IconHref: "/static/favicon.svg?v=" + assetHash,
		AccountHref: in + "konto", SignOutHref: in + "logg-ut", AccessibilityHref: in + "tilgjengelighet", PrivacyHref: in + "personvern",
	}
}

// Frame is the page's frame.
func (p *page) Frame() *frame {
	f := &frame{W: p.words, Lang: p.Lang, AltLang: p.Lang.Other(), Path: p.Path, Title: p.words.SiteName,
		SelfHref: "/" + string(p.Lang) + p.Path, AltHref: p.AltHref(), HomeHref: "/" + string(p.Lang) + "/",
		Brand: p.words.SiteName, Crumbs: p.Crumbs}
	if p.Title != "" {
		f.Title = p.Title + " – " + f.Title
	}
	if p.User != nil {
		f.User = p.User.Email
	}
	if p.Org == nil {
		return f
	}
	slug, w := p.Org.Slug, p.words
	f.HomeHref, f.Brand = p.Href(slug), p.S(p.Org.Name)
	link := func(label string, current bool, parts ...string) {
		href := p.Href(parts...)
		f.Nav = append(f.Nav, navLink{Href: href, Label: label, Current: current && p.Path == href[len(p.Lang)+1:]})
	}
	link(w.Home, true, slug)
	f.Nav = append(f.Nav, navLink{Href: f.HomeHref + "#strategier", Label: w.Strategies},
		navLink{Href: f.HomeHref + "#planer", Label: w.Plans})
	link(w.Work, true, slug, "arbeid", "")
	if p.CanRead() {
		link(w.Register, true, slug, "engasjementer", "")
		link(w.Dashboards, true, slug, "oversikt", "")
	}
	if p.CanAdmin() {
		link(w.Users, true, slug, "admin", "brukere")
		link(w.Audit, true, slug, "admin", "logg")
		link(w.SSO, true, slug, "admin", "sso")
	}
	if d := p.Org.Demo; d != nil && p.Status < 400 {
		f.Demo = &demoNotice{Note: p.L(d.Note), SourceURL: d.SourceURL}
	}
	return f
}

// writeTop writes the page's frame up to its content: the head, the site's header with the
// main menu, the breadcrumbs and the demo notice. Every value is escaped (esc, attr), as the
// template escaped it.
func (f *frame) writeTop(b *bytes.Buffer) {
	w := f.W
	lang, alt := string(f.Lang), string(f.AltLang)
	put(b, "<!DOCTYPE html>\n<html", attr("lang", lang), ">\n<head>\n",
		`<meta charset="utf-8">`+"\n"+`<meta name="viewport" content="width=device-width, initial-scale=1">`+"\n",
		"<title>", esc(f.Title), "</title>\n",
		`<link rel="stylesheet"`, attr("href", w.StyleHref), ">\n",
		`<link rel="icon"`, attr("href", w.IconHref), ` type="image/svg+xml">`+"\n",
		`<link rel="alternate"`, attr("hreflang", lang), attr("href", f.SelfHref), ">\n",
		`<link rel="alternate"`, attr("hreflang", alt), attr("href", f.AltHref), ">\n",
		"</head>\n<body>\n",
		`<a class="skip-link" href="#main">`, esc(w.Skip), "</a>\n",
		`<header class="site-header">`+"\n"+`  <div class="container header-bar">`+"\n",
		`    <a class="brand"`, attr("href", f.HomeHref), ">\n      ", brandMark, "\n      <span>", esc(f.Brand), "</span>\n    </a>\n",
		`    <div class="header-tools">`+"\n",
		`      <a class="lang-switch"`, attr("href", f.AltHref), attr("hreflang", alt), attr("lang", alt), ">", esc(w.LangSwitch), "</a>\n")
	if f.User != "" {
		put(b, `      <a class="header-link"`, attr("href", w.AccountHref), ">", esc(w.Account),
			`<span class="visually-hidden"> (`, esc(f.User), ")</span></a>\n",
			`      <form method="post"`, attr("action", w.SignOutHref), ` class="inline-form"><button type="submit" class="link-button">`,
			esc(w.SignOut), "</button></form>\n")
	} else {
		signIn := "/" + lang + "/logg-inn"
		if f.Path != "" {
			signIn += "?" + url.Values{"neste": {"/" + lang + f.Path}}.Encode()
		}
		put(b, `      <a class="header-link"`, attr("href", signIn), ">", esc(w.SignIn), "</a>\n")
	}
	put(b, "    </div>\n  </div>\n")
	if len(f.Nav) > 0 {
		put(b, `  <nav class="main-nav"`, attr("aria-label", w.MainNav), ">\n    <ul class=\"container\">")
		for _, l := range f.Nav {
			current := ""
			if l.Current {
				current = ` aria-current="page"`
			}
			put(b, "\n      <li><a", attr("href", l.Href), current, ">", esc(l.Label), "</a></li>")
		}
		put(b, "\n    </ul>\n  </nav>\n")
	}
	put(b, "</header>\n")
	if len(f.Crumbs) > 0 {
		put(b, `<nav class="breadcrumbs container"`, attr("aria-label", w.Breadcrumbs), ">\n  <ol>")
		for _, c := range f.Crumbs {
			if c.Href != "" {
				put(b, "<li><a", attr("href", c.Href), ">", esc(c.Label), "</a></li>")
			} else {
				put(b, `<li><span aria-current="page">`, esc(c.Label), "</span></li>")
			}
		}
		put(b, "</ol>\n</nav>\n")
	}
	put(b, `<main id="main" class="container" tabindex="-1">`+"\n")
	if d := f.Demo; d != nil {
		put(b, `<aside class="demo-notice"`, attr("aria-label", w.DemoLabel), ">\n  <p><strong>", esc(w.DemoLabel), ".</strong> ", string(d.Note), " ")
		if d.SourceURL != "" {
			put(b, "<a", attr("href", webURL(d.SourceURL)), ">", esc(w.DemoSource), "</a>")
		}
		put(b, "</p>\n</aside>\n")
	}
}

// writeBottom writes the page's frame after its content: the footer.
func (f *frame) writeBottom(b *bytes.Buffer) {
	w := f.W
	put(b, "\n</main>\n", `<footer class="site-footer">`+"\n"+`  <div class="container footer-inner">`+"\n"+`    <ul class="footer-links">`+"\n",
		"      <li><a", attr("href", w.AccessibilityHref), ">", esc(w.Accessibility), "</a></li>\n",
		"      <li><a", attr("href", w.PrivacyHref), ">", esc(w.Privacy), "</a></li>\n",
		`      <li><a href="/api/v1/openapi.json">`, esc(w.API), "</a></li>\n",
		"    </ul>\n", `    <p class="footer-meta">`, esc(w.MadeWith), "</p>\n  </div>\n</footer>\n</body>\n</html>\n")
}

// brandMark is the site's mark beside its name: a globe.
const brandMark = `<svg class="brand-mark" aria-hidden="true" focusable="false" width="28" height="28" viewBox="0 0 32 32">` +
	`<circle cx="16" cy="16" r="14" fill="none" stroke="currentColor" stroke-width="3"/>` +
	`<path d="M4 16h24M16 2c5 4 5 24 0 28M16 2c-5 4-5 24 0 28" fill="none" stroke="currentColor" stroke-width="2"/></svg>`

func put(b *bytes.Buffer, ss ...string) {
	for _, s := range ss {
		b.WriteString(s)
	}
}

// webURL is u when it is a web address, else a harmless one, as html/template makes of a link
// to javascript: or the like.
func webURL(u string) string {
	if p, err := url.Parse(u); err != nil || p.Scheme != "http" && p.Scheme != "https" {
		return "#ZgotmplZ"
	}
	return u
}
