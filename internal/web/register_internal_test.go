package web

import (
	"html/template"
	"testing"

	"github.com/utsyn/utsyn"
)

// A select's options are written with the field's value selected, every text escaped.
func TestOptionsHTML(t *testing.T) {
	f := rfield{Value: "b&c", Options: []ropt{{Value: "", Label: "Alle"}, {Value: "b&c", Label: `B <"c">`}},
		Groups: []rgroup{{Label: `P1 "Hav"`, Options: []ropt{{Value: "7", Label: "Havvind & hydrogen"}}}}}
	want := `<option value="">Alle</option><option value="b&amp;c" selected>B &lt;&#34;c&#34;&gt;</option>` +
		`<optgroup label="P1 &#34;Hav&#34;"><option value="7">Havvind &amp; hydrogen</option></optgroup>`
	if got := string(f.OptionsHTML()); got != want {
		t.Errorf("OptionsHTML:\n got %s\nwant %s", got, want)
	}
	// Options written once (filterChoices.written) are the same with each value selected: the
	// one whose value is the whole value, in a group too, and none for a value not offered.
	written := writeOptions([]ropt{{Value: "", Label: "Alle"}, {Value: "10", Label: "Ti"}, {Value: "1", Label: "En"}},
		[]rgroup{{Label: "P", Options: []ropt{{Value: "7", Label: "Sju"}}}})
	for value, want := range map[string]string{
		"":   `<option value="" selected>Alle</option><option value="10">Ti</option><option value="1">En</option><optgroup label="P"><option value="7">Sju</option></optgroup>`,
		"1":  `<option value="">Alle</option><option value="10">Ti</option><option value="1" selected>En</option><optgroup label="P"><option value="7">Sju</option></optgroup>`,
		"7":  `<option value="">Alle</option><option value="10">Ti</option><option value="1">En</option><optgroup label="P"><option value="7" selected>Sju</option></optgroup>`,
		"70": written,
	} {
		f := rfield{Value: value, Written: written, Options: []ropt{{Value: "x", Label: "not these"}}}
		if got := string(f.OptionsHTML()); got != want {
			t.Errorf("OptionsHTML of %q:\n got %s\nwant %s", value, got, want)
		}
	}
}

// esc escapes as html/template escapes a text, and leaves a text with nothing to escape as it is.
func TestEsc(t *testing.T) {
	for _, s := range []string{"", "Havvind og hydrogen", "Blå kyst – æøå", `"`, "'", "&", "<", ">", "\x00", "a<b>c & 'd' \"e\"\x00f",
		"Ærlig talt: 5 > 3 && 2 < 4"} {
		if got, want := esc(s), template.HTMLEscapeString(s); got != want {
			t.Errorf("esc(%q) = %q, want %q", s, got, want)
		}
	}
}

// The register list's rows say what the template said of each engagement, every text escaped,
// and leave out what an engagement does not have.
func TestWriteRows(t *testing.T) {
	rp := &registerPage{Words: regListWords{Responsible: "Ansvarlig", Public: "Offentlig", Partners: "Partnere"},
		Items: []regListItem{
			{Href: "/nb/rogaland/engasjementer/7", Name: `TrAM – <Transport> "A&M"`, Kind: "Prosjekt", Period: "2018–2022",
				Status: `<span class="tag tag-e-completed">Avsluttet</span>`, Responsible: "Kari O'Hara", Programme: "Horisont 2020",
				Partners: "UiS, Fjord1", Public: true, Updated: "Endret 3. mars 2024"},
			{Href: "/nb/rogaland/engasjementer/8", Name: "Nordsjøkommisjonen", Kind: "Medlemskap",
				Status: `<span class="tag tag-e-active">Aktiv</span>`, Updated: "Endret 1. jan. 2025"},
		}}
	want := `<li class="register-item">
<h3 class="register-item-title"><a href="/nb/rogaland/engasjementer/7">TrAM – &lt;Transport&gt; &#34;A&amp;M&#34;</a></h3>
<p class="meta"><span class="tag tag-e-completed">Avsluttet</span> <span>Prosjekt</span> <span>2018–2022</span> <span><span class="visually-hidden">Ansvarlig: </span>Kari O&#39;Hara</span> <span class="tag tag-public">Offentlig</span></p>
<p class="register-item-more"><span>Horisont 2020</span> <span class="muted">Partnere: UiS, Fjord1</span></p>
<p class="register-item-updated muted">Endret 3. mars 2024</p>
</li>
<li class="register-item">
<h3 class="register-item-title"><a href="/nb/rogaland/engasjementer/8">Nordsjøkommisjonen</a></h3>
<p class="meta"><span class="tag tag-e-active">Aktiv</span> <span>Medlemskap</span></p>
<p class="register-item-updated muted">Endret 1. jan. 2025</p>
</li>
`
	if got := writtenBy(rp.writeRows); got != want {
		t.Errorf("writeRows:\n got %s\nwant %s", got, want)
	}
}

// The register filter's fields say what the template said of each: label, hint, error with
// its prefix, a select with its options or an input with its value, every text escaped.
func TestWriteFilter(t *testing.T) {
	rp := &registerPage{Controls: []rfield{
		{Name: "q", Label: "Søk", Hint: `Ord i "tittel"`, Type: "search", Value: `havvind <&>`, Describedby: "q-hint"},
		{Name: "ar", Label: "År", Type: "text", Value: "20x5", Class: "input-year", Inputmode: "numeric",
			Error: "Skriv et år", ErrorPrefix: "Feil:", Describedby: "ar-error"},
		{Name: "type", Label: "Type", Type: "select", Value: "project",
			Options: []ropt{{Value: "", Label: "Alle"}, {Value: "project", Label: "Prosjekt"}}},
	}}
	want := `<div class="field">
<label for="q">Søk</label>
<p class="hint" id="q-hint">Ord i &#34;tittel&#34;</p>
<input id="q" name="q" type="search" value="havvind &lt;&amp;&gt;" aria-describedby="q-hint">
</div>
<div class="field field-error">
<label for="ar">År</label>
<p class="error-message" id="ar-error"><span class="visually-hidden">Feil:</span> Skriv et år</p>
<input id="ar" name="ar" type="text" value="20x5" class="input-year" inputmode="numeric" aria-describedby="ar-error" aria-invalid="true">
</div>
<div class="field">
<label for="type">Type</label>
<select id="type" name="type"><option value="">Alle</option><option value="project" selected>Prosjekt</option></select>
</div>
`
	if got := writtenBy(rp.writeFilter); got != want {
		t.Errorf("writeFilter:\n got %s\nwant %s", got, want)
	}
}

// The public list's cards say what the template said of each engagement, every text escaped,
// and leave out the facts an engagement does not have.
func TestWriteCard(t *testing.T) {
	words := workWords{Kind: "Type", Status: "Status", Example: "Eksempel", Acronym: "Forkortelse",
		Period: "Periode", Programme: "Program", Countries: "Land", Funding: "Finansiering"}
	items := []workItem{
		{Engagement: &utsyn.Engagement{Acronym: "TrAM", Programme: "Horisont 2020", Example: true},
			Name: `<span lang="en">Transport: Advanced &amp; Modular</span>`, Href: "/nb/rogaland/arbeid/7", Kind: "Prosjekt",
			Status: "Avsluttet", Period: "2018–2022", Countries: []string{"Norge", "Storbritannia"},
			Funding: fundingView{Sums: []moneyView{{Amount: "EUR 1"}}, Text: "EUR 1 <om lag>"}},
		{Engagement: &utsyn.Engagement{Title: utsyn.NewText("NSC", "")}, Name: "Nordsjøkommisjonen", Href: "/nb/rogaland/arbeid/8",
			Kind: "Medlemskap", Status: "Aktiv"},
	}
	want := `<li class="card">
<h3><a href="/nb/rogaland/arbeid/7"><span lang="en">Transport: Advanced &amp; Modular</span></a></h3>
<p class="meta"><span class="tag tag-work"><span class="visually-hidden">Type: </span>Prosjekt</span>
<span class="tag tag-work-status"><span class="visually-hidden">Status: </span>Avsluttet</span>
<span class="tag tag-example">Eksempel</span></p>
<dl class="work-facts"><div><dt>Forkortelse</dt><dd>TrAM</dd></div><div><dt>Periode</dt><dd>2018–2022</dd></div><div><dt>Program</dt><dd>Horisont 2020</dd></div><div><dt>Land</dt><dd>Norge, Storbritannia</dd></div><div><dt>Finansiering</dt><dd>EUR 1 &lt;om lag&gt;</dd></div></dl>
</li>
<li class="card">
<h3><a href="/nb/rogaland/arbeid/8">Nordsjøkommisjonen</a></h3>
<p class="meta"><span class="tag tag-work"><span class="visually-hidden">Type: </span>Medlemskap</span>
<span class="tag tag-work-status"><span class="visually-hidden">Status: </span>Aktiv</span></p>
<dl class="work-facts"></dl>
</li>
`
	if got := writtenBy(func(w *htmlWriter) {
		for _, it := range items {
			writeCard(w, it, words)
		}
	}); got != want {
		t.Errorf("writeCard:\n got %s\nwant %s", got, want)
	}
}

func writtenBy(write func(*htmlWriter)) string {
	var w htmlWriter
	write(&w)
	return string(w.html())
}
