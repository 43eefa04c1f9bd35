package web

import (
	"net/http"
	"strconv"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/store"
)

// Indicators in the API: GET /api/v1/indicators (every organisation's, or one's with ?org=)
// and GET /api/v1/organisations/{org}/indicators, each indicator with its targets and values
// per period. Anyone sees the public indicators of an organisation; an indicator marked
// internal is seen only with a token of its organisation (reader and up).

type apiIndicator struct {
	ID             int64                 `json:"id"`
	Organisation   string                `json:"organisation"`
	Element        apiIndicatorElement   `json:"element"`
	Name           utsyn.Text            `json:"name"`
	Description    utsyn.Text            `json:"description"`
	Unit           utsyn.Text            `json:"unit"`
	Direction      string                `json:"direction"`
	Baseline       *float64              `json:"baseline"`
	BaselinePeriod string                `json:"baseline_period"`
	Source         string                `json:"source"`
	Query          *utsyn.IndicatorQuery `json:"query"`
	Public         bool                  `json:"public"`
	Missing        []string              `json:"missing"`
	Periods        []utsyn.Point         `json:"periods"`
	Links          apiIndicatorLinks     `json:"links"`
}

type apiIndicatorElement struct {
	ID       int64      `json:"id"`
	Code     string     `json:"code"`
	Title    utsyn.Text `json:"title"`
	Strategy string     `json:"strategy"`
}

type apiIndicatorLinks struct {
	HTML string `json:"html"`
}

func (s *Server) apiIndicators(r *http.Request) (any, error) {
	ctx := r.Context()
	var orgs []*utsyn.Organisation
	slug := r.PathValue("org")
	if slug == "" {
		slug = r.URL.Query().Get("org")
	}
	if slug != "" {
		org, err := s.db.FindOrganisation(ctx, slug)
		if err != nil {
			return nil, err
		}
		orgs = []*utsyn.Organisation{org}
	} else {
		var err error
		if orgs, err = s.db.ListOrganisations(ctx); err != nil {
			return nil, err
		}
	}
	out := apiList[apiIndicator]{Items: []apiIndicator{}}
	thisYear := s.today().Year
	for _, org := range orgs {
		inds, err := s.db.ListIndicators(ctx, store.IndicatorFilter{OrgID: org.ID, PublicOnly: !callerFrom(r).Can(org.ID, utsyn.RoleReader)})
		if err != nil {
			return nil, err
		}
		elements := map[int64]apiIndicatorElement{}
		for _, ind := range inds {
			el, ok := elements[ind.ElementID]
			if !ok {
				e, err := s.db.FindElement(ctx, ind.ElementID)
				if err != nil {
					return nil, err
				}
				st, err := s.db.FindStrategyByID(ctx, e.StrategyID)
				if err != nil {
					return nil, err
				}
				el = apiIndicatorElement{ID: e.ID, Code: e.Code, Title: e.Title, Strategy: st.Slug}
				elements[ind.ElementID] = el
			}
			var computed []utsyn.Point
			if ind.Source != utsyn.SourceManual {
				if computed, err = s.db.ComputeIndicator(ctx, ind, thisYear); err != nil {
					return nil, err
				}
			}
			a := apiIndicator{ID: ind.ID, Organisation: org.Slug, Element: el, Name: ind.Name, Description: ind.Description, Unit: ind.Unit,
				Direction: ind.Direction, Baseline: ind.Baseline, BaselinePeriod: ind.BaselinePeriod, Source: ind.Source, Public: ind.Public,
				Missing: ind.Missing(), Periods: ind.Series(computed),
				Links: apiIndicatorLinks{HTML: "/nb/" + org.Slug + "/oppfolging/indikatorer/" + strconv.FormatInt(ind.ID, 10)}}
			if a.Missing == nil {
				a.Missing = []string{}
			}
			if ind.Source != utsyn.SourceManual {
				q := ind.Query
				a.Query = &q
				if len(computed) == 0 {
					a.Missing = append(a.Missing, "data")
				}
				for _, pt := range computed {
					if pt.Missing != "" {
						a.Missing = append(a.Missing, pt.Missing)
					}
				}
			}
			if a.Periods == nil {
				a.Periods = []utsyn.Point{}
			}
			out.Items = append(out.Items, a)
		}
	}
	return out, nil
}
