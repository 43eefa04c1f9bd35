package web

import (
	"net/http"
	"strconv"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/store"
)

// Editing the vocabularies of roles and working forms. Strategies attach their terms in
// their own form (editor_strategy.go).

// vocabularies are the organisation's vocabularies by their path segment.
var vocabularies = map[string]string{"roller": utsyn.VocabRole, "arbeidsformer": utsyn.VocabWorkingForm}

func vocabularyOf(r *http.Request) (segment, vocabulary string, err error) {
	segment = r.PathValue("vocab")
	vocabulary, ok := vocabularies[segment]
	if !ok {
		return "", "", errNotFound
	}
	return segment, vocabulary, nil
}

type termsPage struct {
	*page
	Heading, Lead, Notice string
	Segment, NewLabel     string
	Terms                 []utsyn.Term
	Other                 crumb // the other vocabulary
}

func (s *Server) terms(w http.ResponseWriter, r *http.Request, p *page) error {
	segment, vocabulary, err := vocabularyOf(r)
	if err != nil {
		return err
	}
	terms, err := s.db.ListTerms(r.Context(), p.Org.ID, vocabulary)
	if err != nil {
		return err
	}
	tp := &termsPage{page: p, Segment: segment, Terms: terms, Heading: p.T("editor.vocab." + vocabulary),
		Lead: p.T("editor.vocab." + vocabulary + ".lead"), Notice: noticeOf(r, p), NewLabel: p.T("editor.term.new." + vocabulary)}
	for seg, v := range vocabularies {
		if v != vocabulary {
			tp.Other = crumb{Label: p.T("editor.vocab." + v), Href: p.Href(p.Org.Slug, "ordlister", seg)}
		}
	}
	tp.Title = tp.Heading
	tp.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: tp.Heading}}
	s.render(w, r, "editor-terms", http.StatusOK, tp)
	return nil
}

var termFields = []string{"stamp", "key", "name_nb", "name_en", "description_nb", "description_en"}

func termValues(t *utsyn.Term) *eform {
	f := newEform(termFields)
	f.Values["stamp"], f.Values["key"] = store.TermStamp(*t), t.Key
	f.setText("name", t.Name)
	f.setText("description", t.Description)
	return f
}

func termSections(p *page, f *eform, isNew bool) []formSection {
	b := &formBuilder{p: p, f: f}
	b.pair("name", "editor.field.name", "", 0)
	if isNew {
		b.input("key", "editor.field.key", "editor.hint.key", "")
	}
	b.pair("description", "editor.field.description", "", 3)
	return b.secs
}

func (s *Server) termEditor(p *page, segment, vocabulary string, t *utsyn.Term, f *eform) *editorPage {
	base := p.Href(p.Org.Slug, "ordlister", segment)
	ep := &editorPage{page: p, Form: f, Eyebrow: p.T("editor.vocab." + vocabulary), Submit: p.T("editor.save"), Cancel: base}
	if t == nil {
		ep.Heading, ep.Action, ep.Submit = p.T("editor.term.new."+vocabulary), base+"/ny", p.T("editor.term.create")
	} else {
		ep.Heading = p.T("editor.term.edit", "name", p.S(t.Name))
		ep.Action = base + "/" + strconv.FormatInt(t.ID, 10) + "/rediger"
		ep.Hidden = []hiddenField{{"stamp", f.Get("stamp")}}
	}
	ep.Title = ep.Heading
	ep.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: ep.Eyebrow, Href: base}, {Label: ep.Heading}}
	ep.finish(termSections(p, f, t == nil))
	return ep
}

func (s *Server) newTerm(w http.ResponseWriter, r *http.Request, p *page) error {
	segment, vocabulary, err := vocabularyOf(r)
	if err != nil {
		return err
	}
	s.render(w, r, "editor-form", http.StatusOK, s.termEditor(p, segment, vocabulary, nil, newEform(termFields)))
	return nil
}

func (s *Server) createTerm(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	segment, vocabulary, err := vocabularyOf(r)
	if err != nil {
		return err
	}
	f, err := readEform(r, termFields)
	if err != nil {
		return err
	}
	t := &utsyn.Term{OrgID: p.Org.ID, Vocabulary: vocabulary, Key: f.Get("key"), Name: f.text("name"), Description: f.text("description")}
	err = s.db.UpdateAs(ctx, p.Actor, func(tx *store.Tx) error { return tx.AddTerm(ctx, t) })
	if err == nil {
		return seeOther(w, r, p.Href(p.Org.Slug, "ordlister", segment)+"?opprettet=1#term-"+strconv.FormatInt(t.ID, 10))
	}
	if !f.failWith(p, err, nil) {
		return err
	}
	s.render(w, r, "editor-form", http.StatusUnprocessableEntity, s.termEditor(p, segment, vocabulary, nil, f))
	return nil
}

func (s *Server) findTermOf(r *http.Request, p *page, vocabulary string) (*utsyn.Term, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	t, err := s.db.FindTerm(r.Context(), p.Org.ID, id)
	if err != nil {
		return nil, err
	}
	if t.Vocabulary != vocabulary {
		return nil, errNotFound
	}
	return t, nil
}

func (s *Server) editTerm(w http.ResponseWriter, r *http.Request, p *page) error {
	segment, vocabulary, err := vocabularyOf(r)
	if err != nil {
		return err
	}
	t, err := s.findTermOf(r, p, vocabulary)
	if err != nil {
		return err
	}
	s.render(w, r, "editor-form", http.StatusOK, s.termEditor(p, segment, vocabulary, t, termValues(t)))
	return nil
}

func (s *Server) updateTerm(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	segment, vocabulary, err := vocabularyOf(r)
	if err != nil {
		return err
	}
	t, err := s.findTermOf(r, p, vocabulary)
	if err != nil {
		return err
	}
	f, err := readEform(r, termFields)
	if err != nil {
		return err
	}
	f.Values["key"] = t.Key
	in := &utsyn.Term{ID: t.ID, OrgID: p.Org.ID, Name: f.text("name"), Description: f.text("description")}
	err = s.db.UpdateAs(ctx, p.Actor, func(tx *store.Tx) error { return tx.UpdateTerm(ctx, in, f.Get("stamp")) })
	status := http.StatusUnprocessableEntity
	var conflict *conflictView
	switch {
	case err == nil:
		return seeOther(w, r, p.Href(p.Org.Slug, "ordlister", segment)+"?lagret=1#term-"+strconv.FormatInt(t.ID, 10))
	case store.IsStale(err):
		if t, err = s.findTermOf(r, p, vocabulary); err != nil {
			return err
		}
		conflict = s.conflict(ctx, p, "term", t.ID, termSections(p, f, false), termSections(p, termValues(t), false))
		f.Values["stamp"] = store.TermStamp(*t)
		status = http.StatusConflict
	case !f.failWith(p, err, nil):
		return err
	}
	ep := s.termEditor(p, segment, vocabulary, t, f)
	ep.Conflict = conflict
	s.render(w, r, "editor-form", status, ep)
	return nil
}
