package web

import (
	"html/template"

	"github.com/utsyn/utsyn/internal/i18n"
)

// frame is what the layout shows around a page's content (layout.html), worked out here once
// per page rather than by the layout itself: each of a template's actions is a call by
// reflection, and the layout's sixty, its words looked up one by one among them, were a third
// of a register page's time (docs/PERFORMANCE.md).
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

// Frame is the page's frame, for the layout.
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

// NavHTML writes the main menu's entries, for the reason RowsHTML writes the register's rows.
func (f *frame) NavHTML() template.HTML {
	var w htmlWriter
	for _, l := range f.Nav {
		current := ""
		if l.Current {
			current = ` aria-current="page"`
		}
		w.raw("\n      <li><a", attr("href", l.Href), current, ">", esc(l.Label), "</a></li>")
	}
	return w.html()
}
