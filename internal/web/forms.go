package web

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/utsyn/utsyn"
)

// form is what a form page needs to show itself again after a failed submission: what the user
// typed, and a message beside each field that broke a rule.
type form struct {
	Values map[string]string
	Errors map[string]string // field → message, already in the page's language
	order  []string
}

func newForm() *form { return &form{Values: map[string]string{}, Errors: map[string]string{}} }

// readForm parses a submitted form and keeps the named fields, trimmed. A body over the limit
// or not a form is an invalid-input error.
func readForm(r *http.Request, fields ...string) (*form, error) {
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &utsyn.Error{Code: utsyn.EINVALID, Message: "error.too_large"}
		}
		return nil, &utsyn.Error{Code: utsyn.EINVALID, Message: "error.invalid"}
	}
	f := newForm()
	for _, name := range fields {
		v := r.PostForm.Get(name)
		if !utf8.ValidString(v) {
			return nil, &utsyn.Error{Code: utsyn.EINVALID, Message: "error.encoding"}
		}
		f.Values[name] = strings.TrimSpace(v)
	}
	return f, nil
}

// Get returns a field's value.
func (f *form) Get(name string) string { return f.Values[name] }

// Err returns a field's message, or "".
func (f *form) Err(name string) string { return f.Errors[name] }

// Fail records a message for a field; the first message of a field wins.
func (f *form) Fail(field, message string) {
	if _, ok := f.Errors[field]; ok {
		return
	}
	f.Errors[field] = message
	f.order = append(f.order, field)
}

// Failed reports whether any field broke a rule.
func (f *form) Failed() bool { return len(f.Errors) > 0 }

// Summary lists the problems in the order they were found, for the error summary at the top.
func (f *form) Summary() []fieldError {
	out := make([]fieldError, 0, len(f.order))
	for _, field := range f.order {
		out = append(out, fieldError{Field: field, Message: f.Errors[field]})
	}
	return out
}

type fieldError struct{ Field, Message string }

// FailWith puts a domain error on the form: each problem beside its field, or the message on
// the form as a whole. It reports whether err was an input error the user can mend; any other
// error is the caller's to fail with.
func (f *form) FailWith(p *page, err error) bool {
	var e *utsyn.Error
	if !errors.As(err, &e) || e.Code == utsyn.EINTERNAL {
		return false
	}
	if len(e.Problems) > 0 {
		for _, pr := range e.Problems {
			f.Fail(pr.Field, p.T(pr.Message))
		}
		return true
	}
	f.Fail(e.Field, p.T(e.Message))
	return true
}

// fieldView is one form field as the "field" template shows it.
type fieldView struct {
	Name, Label, Type, Hint, Value, Error, ErrorPrefix, Autocomplete, Describedby string
}

// Field prepares a field: its label and hint from the catalog, the value the user typed (never
// for a password), and its message, tied to the input with aria-describedby so screen readers
// read them with it.
func (p *page) Field(f *form, name, labelKey, typ, hintKey, autocomplete string) fieldView {
	v := fieldView{Name: name, Label: p.T(labelKey), Type: typ, Autocomplete: autocomplete, ErrorPrefix: p.T("form.error_prefix")}
	var describedby []string
	if hintKey != "" {
		v.Hint = p.T(hintKey)
		describedby = append(describedby, name+"-hint")
	}
	if f != nil {
		if typ != "password" {
			v.Value = f.Get(name)
		}
		if v.Error = f.Err(name); v.Error != "" {
			describedby = append(describedby, name+"-error")
		}
	}
	v.Describedby = strings.Join(describedby, " ")
	return v
}
