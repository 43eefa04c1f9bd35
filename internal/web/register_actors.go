package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/places"
	"github.com/utsyn/utsyn/internal/store"
)

// Actors, the partner organisations: one list the organisation shares, so that a partner is
// registered once and found again by name, organisation number or PIC. Contributors register
// actors (on their own or while adding a partner); editors change and delete them; an actor an
// engagement uses cannot be deleted, and the refusal names the engagements.

func actorsBase(p *page) string { return p.Href(p.Org.Slug, "aktorer") }

// actorsHome is the list of actors, with a slash for the reason registerHome has one.
func actorsHome(p *page) string { return actorsBase(p) + "/" }

func actorHref(p *page, id int64) string { return actorsBase(p) + "/" + strconv.FormatInt(id, 10) }

var actorFields = []string{"version", "name", "country", "region", "type", "org_number", "pic", "website"}

func actorValues(a *utsyn.Actor) *eform {
	f := newEform(actorFields)
	f.Values["version"] = strconv.Itoa(a.Version)
	f.Values["name"], f.Values["country"], f.Values["region"], f.Values["type"] = a.Name, a.Country, a.Region, a.Type
	f.Values["org_number"], f.Values["pic"], f.Values["website"] = a.OrgNumber, a.PIC, a.Website
	return f
}

// actorFrom reads an actor from its form. A country that is not one is failed on the form here,
// so that it is named with the actor's other mistakes.
func actorFrom(p *page, f *eform) *utsyn.Actor {
	if _, ok := places.Lookup(f.Get("country")); !ok {
		f.Fail("country", p.T("register.error.country"))
	}
	return &utsyn.Actor{Name: f.Get("name"), Country: strings.ToUpper(f.Get("country")), Region: f.Get("region"), Type: f.Get("type"),
		OrgNumber: strings.ReplaceAll(f.Get("org_number"), " ", ""), PIC: strings.ReplaceAll(f.Get("pic"), " ", ""), Website: f.Get("website")}
}

// addActorFields lays out an actor's fields in the builder's last fieldset.
func addActorFields(b *rbuilder) {
	p := b.p
	b.input("name", "actor.field.name", "actor.hint.name", "")
	countries := []ropt{{Value: "", Label: p.T("actor.choose_country")}}
	for _, c := range places.All(string(p.Lang)) {
		countries = append(countries, ropt{Value: c.Code, Label: c.Name(string(p.Lang))})
	}
	b.choose("country", "actor.field.country", "", countries)
	types := []ropt{{Value: "", Label: p.T("register.not_set")}}
	for _, t := range utsyn.ActorTypes {
		types = append(types, ropt{Value: t, Label: p.ActorTypeLabel(t)})
	}
	b.choose("type", "actor.field.type", "", types)
	b.add(rfield{Name: "org_number", Label: p.T("actor.field.org_number"), Hint: p.T("actor.hint.org_number"), Type: "text", Inputmode: "numeric", Class: "input-short"})
	b.add(rfield{Name: "pic", Label: p.T("actor.field.pic"), Hint: p.T("actor.hint.pic"), Type: "text", Inputmode: "numeric", Class: "input-short"})
	b.input("region", "actor.field.region", "actor.hint.region", "input-short")
	b.add(rfield{Name: "website", Label: p.T("actor.field.website"), Type: "url", Inputmode: "url"})
}

func actorSets(p *page, f *eform) []rset {
	b := &rbuilder{p: p, f: f}
	b.set("aktor", "actor.form", "")
	addActorFields(b)
	return b.sets
}

// sameActorOf returns the registered actor a refusal names, if it names one.
func sameActorOf(err error) *utsyn.Actor {
	var same *store.SameActorError
	if errors.As(err, &same) {
		return same.Existing
	}
	return nil
}

func (s *Server) sameActorView(p *page, a *utsyn.Actor) *regSameActor {
	return &regSameActor{Actor: a, Href: actorHref(p, a.ID), Country: p.CountryName(a.Country)}
}

// The list of actors

type actorsPage struct {
	*page
	Query, Notice string
	Actors        []regActorRow
	Limited       bool
	NewHref       string
}

type regActorRow struct {
	*utsyn.Actor
	Href, CountryName, TypeName string
}

const actorListLimit = 200

func (s *Server) actors(w http.ResponseWriter, r *http.Request, p *page) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	list, err := s.db.ListActors(r.Context(), p.Org.ID, q, actorListLimit)
	if err != nil {
		return err
	}
	ap := &actorsPage{page: p, Query: q, Notice: noticeOf(r, p), Limited: len(list) == actorListLimit}
	for _, a := range list {
		ap.Actors = append(ap.Actors, regActorRow{Actor: a, Href: actorHref(p, a.ID), CountryName: p.CountryName(a.Country), TypeName: p.ActorTypeLabel(a.Type)})
	}
	if p.CanCreate() {
		ap.NewHref = actorsBase(p) + "/ny"
	}
	ap.Title = p.T("actor.list.title")
	ap.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.T("register.title"), Href: registerHome(p)}, {Label: ap.Title}}
	s.render(w, r, "register-actors", http.StatusOK, ap)
	return nil
}

// One actor

type actorPage struct {
	*page
	A                                 *utsyn.Actor
	Country, Type, Notice, WebsiteURL string
	Parts                             []regActorPart
	EditHref, DeleteHref              string
}

type regActorPart struct {
	Title              utsyn.Text
	Href, Kind, Status string
	StatusCode         string
	Role               string
}

func (s *Server) findActorOf(r *http.Request, p *page) (*utsyn.Actor, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.db.FindActor(r.Context(), p.Org.ID, id)
}

// actorParts lists what the actor takes part in, one row an engagement.
func (s *Server) actorParts(ctx context.Context, p *page, a *utsyn.Actor) ([]regActorPart, error) {
	parts, err := s.db.ActorParts(ctx, p.Org.ID, a.ID)
	if err != nil {
		return nil, err
	}
	var out []regActorPart
	for _, pt := range parts {
		role := p.PartnerRoleLabel(pt.Role)
		if pt.Role == "funder_money" {
			role = p.T("actor.funds")
		}
		if n := len(out); n > 0 && out[n-1].Href == engagementBase(p, pt.EngagementID) {
			out[n-1].Role += ", " + strings.ToLower(role)
			continue
		}
		out = append(out, regActorPart{Title: pt.Title, Href: engagementBase(p, pt.EngagementID), Kind: p.KindLabel(pt.Kind),
			StatusCode: pt.Status, Role: role})
	}
	return out, nil
}

func (s *Server) actor(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	a, err := s.findActorOf(r, p)
	if err != nil {
		return err
	}
	ap := &actorPage{page: p, A: a, Country: p.CountryName(a.Country), Notice: noticeOf(r, p)}
	if a.Type != "" {
		ap.Type = p.ActorTypeLabel(a.Type)
	}
	if strings.HasPrefix(a.Website, "https://") || strings.HasPrefix(a.Website, "http://") {
		ap.WebsiteURL = a.Website
	}
	if ap.Parts, err = s.actorParts(ctx, p, a); err != nil {
		return err
	}
	if p.CanEdit() {
		ap.EditHref, ap.DeleteHref = actorHref(p, a.ID)+"/rediger", actorHref(p, a.ID)+"/slett"
	}
	ap.Title = a.Name
	ap.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.T("actor.list.title"), Href: actorsHome(p)}, {Label: a.Name}}
	s.render(w, r, "register-actor", http.StatusOK, ap)
	return nil
}

// Registering and changing an actor

func (s *Server) actorEditor(p *page, a *utsyn.Actor, f *eform) *registerFormPage {
	fp := &registerFormPage{page: p, Form: f, Eyebrow: p.T("actor.list.title")}
	if a == nil {
		fp.Heading, fp.Lead = p.T("actor.new.title"), p.T("actor.new.lead")
		fp.Action, fp.Cancel, fp.Submit = actorsBase(p)+"/ny", actorsHome(p), p.T("actor.new.submit")
		fp.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.T("actor.list.title"), Href: actorsHome(p)}, {Label: fp.Heading}}
	} else {
		fp.Heading, fp.Lead = p.T("actor.edit.title", "name", a.Name), p.T("actor.edit.lead")
		fp.Action, fp.Cancel, fp.Submit = actorHref(p, a.ID)+"/rediger", actorHref(p, a.ID), p.T("editor.save")
		fp.Hidden = []hiddenField{{"version", f.Get("version")}}
		fp.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.T("actor.list.title"), Href: actorsHome(p)},
			{Label: a.Name, Href: actorHref(p, a.ID)}, {Label: p.T("editor.edit")}}
	}
	fp.Title = fp.Heading
	fp.finish(actorSets(p, f))
	return fp
}

func (s *Server) newActor(w http.ResponseWriter, r *http.Request, p *page) error {
	f := newEform(actorFields)
	f.Values["name"] = strings.TrimSpace(r.URL.Query().Get("navn"))
	s.render(w, r, "register-form", http.StatusOK, s.actorEditor(p, nil, f))
	return nil
}

func (s *Server) createActor(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	f, err := readEform(r, actorFields)
	if err != nil {
		return err
	}
	a := actorFrom(p, f)
	a.OrgID = p.Org.ID
	err = s.save(ctx, p, f, func(tx *store.Tx) error { return tx.CreateActor(ctx, a) })
	if err == nil {
		return seeOther(w, r, actorHref(p, a.ID)+"?opprettet=1")
	}
	status := http.StatusUnprocessableEntity
	var same *regSameActor
	if existing := sameActorOf(err); existing != nil {
		same, status = s.sameActorView(p, existing), http.StatusConflict
		f.Fail("name", p.T("actor.exists", "name", existing.Name))
	} else if !f.failWith(p, err, nil) {
		return err
	}
	fp := s.actorEditor(p, nil, f)
	fp.Same = same
	s.render(w, r, "register-form", status, fp)
	return nil
}

func (s *Server) editActor(w http.ResponseWriter, r *http.Request, p *page) error {
	a, err := s.findActorOf(r, p)
	if err != nil {
		return err
	}
	s.render(w, r, "register-form", http.StatusOK, s.actorEditor(p, a, actorValues(a)))
	return nil
}

func (s *Server) updateActor(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	stored, err := s.findActorOf(r, p)
	if err != nil {
		return err
	}
	f, err := readEform(r, actorFields)
	if err != nil {
		return err
	}
	version, err := f.version()
	if err != nil {
		return err
	}
	a := actorFrom(p, f)
	a.ID, a.OrgID, a.Version = stored.ID, p.Org.ID, version
	status := http.StatusUnprocessableEntity
	var conflict *conflictView
	var same *regSameActor
	err = s.save(ctx, p, f, func(tx *store.Tx) error { return tx.UpdateActor(ctx, a) })
	switch {
	case err == nil:
		return seeOther(w, r, actorHref(p, a.ID)+"?lagret=1")
	case sameActorOf(err) != nil:
		existing := sameActorOf(err)
		same, status = s.sameActorView(p, existing), http.StatusConflict
		f.Fail("name", p.T("actor.exists", "name", existing.Name))
	case isStaleVersion(err):
		if stored, err = s.findActorOf(r, p); err != nil {
			return err
		}
		conflict = conflictOf(actorSets(p, f), actorSets(p, actorValues(stored)))
		s.lastChange(ctx, p, conflict, "actor", stored.ID)
		f.Values["version"] = strconv.Itoa(stored.Version)
		status = http.StatusConflict
	case !f.failWith(p, err, nil):
		return err
	}
	fp := s.actorEditor(p, stored, f)
	fp.Conflict, fp.Same = conflict, same
	s.render(w, r, "register-form", status, fp)
	return nil
}

// Deleting an actor

func (s *Server) actorConfirm(ctx context.Context, p *page, a *utsyn.Actor) (*deletePage, error) {
	href := actorHref(p, a.ID)
	cp := &deletePage{page: p, Eyebrow: p.T("actor.list.title"), Heading: p.T("actor.delete.title", "name", a.Name),
		Action: href + "/slett", Submit: p.T("actor.delete.submit"), Cancel: href, Warning: p.T("actor.delete.warning"),
		Hidden: []hiddenField{{"version", strconv.Itoa(a.Version)}}}
	cp.Facts = []deleteFact{{Label: p.T("actor.field.name"), Plain: a.Name}, {Label: p.T("actor.field.country"), Plain: p.CountryName(a.Country)}}
	if a.OrgNumber != "" {
		cp.Facts = append(cp.Facts, deleteFact{Label: p.T("actor.field.org_number"), Plain: a.OrgNumber})
	}
	parts, err := s.actorParts(ctx, p, a)
	if err != nil {
		return nil, err
	}
	if len(parts) > 0 {
		var titles []string
		for _, pt := range parts {
			titles = append(titles, p.S(pt.Title))
		}
		cp.refuseInUse(p, titles)
	}
	cp.Title = cp.Heading
	cp.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.T("actor.list.title"), Href: actorsHome(p)},
		{Label: a.Name, Href: href}, {Label: p.T("editor.delete")}}
	return cp, nil
}

// refuseInUse says that the actor cannot be deleted, and which engagements use it.
func (cp *deletePage) refuseInUse(p *page, titles []string) {
	cp.Problem = p.T("actor.in_use", "count", len(titles))
	cp.Goes, cp.GoesLabel, cp.Action = titles, p.T("actor.in_use.list"), ""
}

func (s *Server) confirmDeleteActor(w http.ResponseWriter, r *http.Request, p *page) error {
	a, err := s.findActorOf(r, p)
	if err != nil {
		return err
	}
	cp, err := s.actorConfirm(r.Context(), p, a)
	if err != nil {
		return err
	}
	s.render(w, r, "editor-confirm", http.StatusOK, cp)
	return nil
}

func (s *Server) deleteActor(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	a, err := s.findActorOf(r, p)
	if err != nil {
		return err
	}
	f, err := readEform(r, []string{"version"})
	if err != nil {
		return err
	}
	version, err := f.version()
	if err != nil {
		return err
	}
	err = s.db.UpdateAs(ctx, p.Actor, func(tx *store.Tx) error {
		if a.Version != version {
			return &utsyn.Error{Code: utsyn.ECONFLICT, Message: "error.conflict"}
		}
		return tx.DeleteActor(ctx, p.Org.ID, a.ID)
	})
	if err == nil {
		return seeOther(w, r, actorsHome(p)+"?slettet=1")
	}
	var inUse *store.ActorInUseError
	switch {
	case errors.As(err, &inUse):
		cp, err := s.actorConfirm(ctx, p, a)
		if err != nil {
			return err
		}
		cp.refuseInUse(p, inUse.Titles)
		s.render(w, r, "editor-confirm", http.StatusConflict, cp)
		return nil
	case isStaleVersion(err):
		if a, err = s.findActorOf(r, p); err != nil {
			return err
		}
		cp, err := s.actorConfirm(ctx, p, a)
		if err != nil {
			return err
		}
		if cp.Problem == "" {
			cp.Problem = p.T("editor.stale.confirm")
		}
		s.render(w, r, "editor-confirm", http.StatusConflict, cp)
		return nil
	}
	return err
}

// An engagement's partners

// regPartnersPanel is what an engagement's partners page shows above the form that registers a
// new actor: the partners, the search, and what it found.
type regPartnersPanel struct {
	Base, Query, EngagementHref string
	Version                     int
	Rows                        []regPartnerRow
	Searched                    bool
	Results                     []regActorResult
	Roles                       []ropt
}

type regPartnerRow struct {
	ActorID               int64
	Name, Href, Country   string
	Role, RoleLabel, What string
}

type regActorResult struct {
	*utsyn.Actor
	Href, Country, Already string
}

var partnerFields = append(slices.Clone(actorFields), "role")

func roleOptions(p *page) []ropt {
	var out []ropt
	for _, r := range utsyn.PartnerRoles {
		out = append(out, ropt{Value: r, Label: p.PartnerRoleLabel(r)})
	}
	return out
}

// partnersEditor lays out an engagement's partners page with the search's results and the
// form for a new actor.
func (s *Server) partnersEditor(ctx context.Context, p *page, e *utsyn.Engagement, query string, f *eform) (*registerFormPage, error) {
	eb := engagementBase(p, e.ID)
	name := engagementName(p, e)
	panel := &regPartnersPanel{Base: eb + "/partnere", Query: query, Version: e.Version, Roles: roleOptions(p), EngagementHref: eb}
	for _, pa := range e.Partners {
		panel.Rows = append(panel.Rows, regPartnerRow{ActorID: pa.ActorID, Name: pa.Actor.Name, Href: actorHref(p, pa.ActorID),
			Country: p.CountryName(pa.Actor.Country), Role: pa.Role, RoleLabel: p.PartnerRoleLabel(pa.Role),
			What: pa.Actor.Name + " (" + strings.ToLower(p.PartnerRoleLabel(pa.Role)) + ")"})
	}
	if query != "" {
		panel.Searched = true
		found, err := s.db.ListActors(ctx, p.Org.ID, query, 20)
		if err != nil {
			return nil, err
		}
		for _, a := range found {
			res := regActorResult{Actor: a, Href: actorHref(p, a.ID), Country: p.CountryName(a.Country)}
			var roles []string
			for _, pa := range e.Partners {
				if pa.ActorID == a.ID {
					roles = append(roles, strings.ToLower(p.PartnerRoleLabel(pa.Role)))
				}
			}
			if len(roles) > 0 {
				res.Already = p.T("partners.already", "roles", strings.Join(roles, ", "))
			}
			panel.Results = append(panel.Results, res)
		}
	}
	if query != "" && len(panel.Results) == 0 && f.Get("name") == "" &&
		!strings.ContainsFunc(query, func(r rune) bool { return r >= '0' && r <= '9' }) {
		f.Values["name"] = query // a name that was not found is the new actor's, most likely
	}
	fp := &registerFormPage{page: p, Form: f, Eyebrow: short(name, 80), Heading: p.T("partners.title"), Lead: p.T("partners.lead"),
		Partners: panel, Action: eb + "/partnere/ny", Submit: p.T("partners.new.submit"),
		Hidden: []hiddenField{{"version", strconv.Itoa(e.Version)}}, Cancel: eb}
	fp.Title = p.T("partners.page_title", "title", short(name, 60))
	fp.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.T("register.title"), Href: registerHome(p)},
		{Label: short(name, 60), Href: eb}, {Label: fp.Heading}}
	b := &rbuilder{p: p, f: f}
	b.set("ny-aktor", "partners.new.title", "partners.new.hint")
	addActorFields(b)
	b.choose("role", "partners.field.role", "partners.hint.role", roleOptions(p))
	fp.finish(b.sets)
	return fp, nil
}

func (s *Server) partners(w http.ResponseWriter, r *http.Request, p *page) error {
	e, err := s.findChangeable(r, p)
	if err != nil {
		return err
	}
	query := strings.TrimSpace(r.URL.Query().Get("q"))
	f := newEform(partnerFields)
	f.Values["role"] = "partner"
	fp, err := s.partnersEditor(r.Context(), p, e, query, f)
	if err != nil {
		return err
	}
	fp.Notice = noticeOf(r, p)
	s.render(w, r, "register-form", http.StatusOK, fp)
	return nil
}

// changePartners stores the engagement with its partners changed, if it is still at the
// version of the page the change was made on.
func (s *Server) changePartners(ctx context.Context, p *page, e *utsyn.Engagement, version int, change func(tx *store.Tx, e *utsyn.Engagement) error) error {
	return s.db.UpdateAs(ctx, p.Actor, func(tx *store.Tx) error {
		if e.Version != version {
			return &utsyn.Error{Code: utsyn.ECONFLICT, Message: "error.conflict"}
		}
		if err := change(tx, e); err != nil {
			return err
		}
		return tx.UpdateEngagement(ctx, e)
	})
}

// partnersAgain shows the partners page again after a refused change: as it is stored now,
// with the reason at the top.
func (s *Server) partnersAgain(w http.ResponseWriter, r *http.Request, p *page, status int, problem string, f *eform) error {
	e, err := s.findChangeable(r, p)
	if err != nil {
		return err
	}
	if f == nil {
		f = newEform(partnerFields)
		f.Values["role"] = "partner"
	}
	fp, err := s.partnersEditor(r.Context(), p, e, "", f)
	if err != nil {
		return err
	}
	fp.Problem = problem
	s.render(w, r, "register-form", status, fp)
	return nil
}

func (s *Server) addPartner(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	e, err := s.findChangeable(r, p)
	if err != nil {
		return err
	}
	f, err := readEform(r, []string{"version", "actor", "role"})
	if err != nil {
		return err
	}
	version, err := f.version()
	if err != nil {
		return err
	}
	actorID, _ := strconv.ParseInt(f.Get("actor"), 10, 64)
	role := f.Get("role")
	if !slices.Contains(utsyn.PartnerRoles, role) {
		return s.partnersAgain(w, r, p, http.StatusUnprocessableEntity, p.T("error.partner_role"), nil)
	}
	a, err := s.db.FindActor(ctx, p.Org.ID, actorID)
	if utsyn.IsNotFound(err) {
		return s.partnersAgain(w, r, p, http.StatusUnprocessableEntity, p.T("error.reference"), nil)
	} else if err != nil {
		return err
	}
	err = s.changePartners(ctx, p, e, version, func(tx *store.Tx, e *utsyn.Engagement) error {
		e.Partners = append(e.Partners, utsyn.Partner{ActorID: a.ID, Role: role})
		return nil
	})
	switch {
	case err == nil:
		return seeOther(w, r, engagementBase(p, e.ID)+"/partnere?lagret=1")
	case isStaleVersion(err):
		return s.partnersAgain(w, r, p, http.StatusConflict, p.T("partners.stale"), nil)
	}
	return err
}

func (s *Server) removePartner(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	e, err := s.findChangeable(r, p)
	if err != nil {
		return err
	}
	f, err := readEform(r, []string{"version", "actor", "role"})
	if err != nil {
		return err
	}
	version, err := f.version()
	if err != nil {
		return err
	}
	actorID, _ := strconv.ParseInt(f.Get("actor"), 10, 64)
	err = s.changePartners(ctx, p, e, version, func(tx *store.Tx, e *utsyn.Engagement) error {
		e.Partners = slices.DeleteFunc(e.Partners, func(pa utsyn.Partner) bool { return pa.ActorID == actorID && pa.Role == f.Get("role") })
		return nil
	})
	switch {
	case err == nil:
		return seeOther(w, r, engagementBase(p, e.ID)+"/partnere?lagret=1")
	case isStaleVersion(err):
		return s.partnersAgain(w, r, p, http.StatusConflict, p.T("partners.stale"), nil)
	}
	return err
}

// errSame rolls back the registration of an actor that is registered already.
type errSame struct{ existing *utsyn.Actor }

func (e *errSame) Error() string { return "the actor is registered already" }

func (s *Server) addNewPartner(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	e, err := s.findChangeable(r, p)
	if err != nil {
		return err
	}
	f, err := readEform(r, partnerFields)
	if err != nil {
		return err
	}
	version, err := f.version()
	if err != nil {
		return err
	}
	a := actorFrom(p, f)
	a.OrgID = p.Org.ID
	role := f.Get("role")
	if !slices.Contains(utsyn.PartnerRoles, role) {
		f.Fail("role", p.T("error.partner_role"))
	}
	err = s.changePartners(ctx, p, e, version, func(tx *store.Tx, e *utsyn.Engagement) error {
		// An actor that is registered already is offered instead of being registered twice.
		if same, err := tx.FindSameActor(ctx, a); err == nil {
			return &errSame{existing: same}
		} else if !utsyn.IsNotFound(err) {
			return err
		}
		if err := tx.CreateActor(ctx, a); err != nil {
			return err
		}
		if f.Failed() {
			return errUnsaved
		}
		e.Partners = append(e.Partners, utsyn.Partner{ActorID: a.ID, Role: role})
		return nil
	})
	status := http.StatusUnprocessableEntity
	var same *regSameActor
	var es *errSame
	switch {
	case err == nil:
		return seeOther(w, r, engagementBase(p, e.ID)+"/partnere?opprettet=1")
	case errors.As(err, &es) || sameActorOf(err) != nil:
		existing := sameActorOf(err)
		if es != nil {
			existing = es.existing
		}
		same, status = s.sameActorView(p, existing), http.StatusConflict
		same.AddAction, same.AddRole, same.Version = engagementBase(p, e.ID)+"/partnere", role, e.Version
		same.AddTo = p.PartnerRoleLabel(role)
		f.Fail("name", p.T("actor.exists", "name", existing.Name))
	case isStaleVersion(err):
		return s.partnersAgain(w, r, p, http.StatusConflict, p.T("partners.stale"), f)
	case !f.failWith(p, err, nil):
		return err
	}
	fp, err := s.partnersEditor(ctx, p, e, "", f)
	if err != nil {
		return err
	}
	fp.Same = same
	s.render(w, r, "register-form", status, fp)
	return nil
}
