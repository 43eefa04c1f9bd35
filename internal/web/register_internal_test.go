package web

import "testing"

// A select's options are written with the field's value selected, every text escaped.
func TestOptionsHTML(t *testing.T) {
	f := rfield{Value: "b&c", Options: []ropt{{Value: "", Label: "Alle"}, {Value: "b&c", Label: `B <"c">`}},
		Groups: []rgroup{{Label: `P1 "Hav"`, Options: []ropt{{Value: "7", Label: "Havvind & hydrogen"}}}}}
	want := `<option value="">Alle</option><option value="b&amp;c" selected>B &lt;&#34;c&#34;&gt;</option>` +
		`<optgroup label="P1 &#34;Hav&#34;"><option value="7">Havvind &amp; hydrogen</option></optgroup>`
	if got := string(f.OptionsHTML()); got != want {
		t.Errorf("OptionsHTML:\n got %s\nwant %s", got, want)
	}
}
