package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/clerk"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/store"
)

// Routing on the staff case page: the virtual civil servant's proposal to move a
// request to another service (confirmed with one button), moving it by hand, and
// forwarding a petition to the institution competent for it (OG 27/2002 art. 6¹).

// caseRouting is the routing part of the case page.
type caseRouting struct {
	// Proposal is the virtual civil servant's open proposal, if any.
	Proposal *routeProposal
	// CanRoute: the user may move or forward the (open) case.
	CanRoute     bool
	Services     []option // services it may move to
	Institutions []option
	// ForwardBy is the last day to forward a petition (services that read the
	// institutions register), shown while it is open; ForwardLate when past.
	ForwardBy   time.Time
	ForwardLate bool
	// ForwardedTo names the institution a forwarded petition went to.
	ForwardedTo string
}

type routeProposal struct {
	StepID              int64
	Service, Department string
}

// caseRouting fills the routing part of the case page for c.
func (wb *Web) caseRouting(ctx context.Context, rq *request, c *cases.Case, v *caseView) (*caseRouting, error) {
	d := &caseRouting{}
	if c.Outcome == cases.Forwarded {
		fw, err := cases.ForwardingOf(ctx, wb.app.DB.Read(), c.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		if fw != nil {
			d.ForwardedTo = fw.Institution
			if inst, ok := wb.app.Catalog.Institution(fw.Institution); ok {
				d.ForwardedTo = inst.Name.In(rq.Lang) + " – " + inst.Contact()
			}
		}
		return d, nil
	}
	if !c.Status.Open() {
		return d, nil
	}
	if v.Service != nil && slices.Contains(v.Service.Sources, "institutions") {
		d.ForwardBy = wb.app.Cases.ForwardBy(c)
		d.ForwardLate = d.ForwardBy.Before(wb.app.Cases.Today())
	}
	if !processes(rq.User) {
		return d, nil
	}
	d.CanRoute = true
	if step, service := clerk.PendingReroute(v.Automation); step != nil && service != c.Service {
		p := &routeProposal{StepID: step.ID, Service: wb.serviceName(service, rq.Lang)}
		if s, ok := wb.app.Catalog.Service(service); ok {
			p.Department = wb.departmentName(s.Department, rq.Lang)
		}
		d.Proposal = p
	}
	for _, s := range wb.catalog().Services() {
		if s.Enabled && s.Code != c.Service {
			d.Services = append(d.Services, option{s.Code, s.Name.In(rq.Lang) + " (" + wb.departmentName(s.Department, rq.Lang) + ")"})
		}
	}
	sortOptions(rq.Lang, d.Services)
	for _, inst := range wb.app.Catalog.Institutions() {
		d.Institutions = append(d.Institutions, option{inst.Code, inst.Name.In(rq.Lang)})
	}
	sortOptions(rq.Lang, d.Institutions)
	return d, nil
}

// queueForwardBy is the forwarding term shown in the queue for a petition nobody
// has taken yet: the last day to send it on if it is another institution's.
func (wb *Web) queueForwardBy(c *cases.Case) time.Time {
	svc, ok := wb.catalog().Service(c.Service)
	if c.Status != cases.Registered || !ok || !slices.Contains(svc.Sources, "institutions") {
		return time.Time{}
	}
	withDay := *c
	withDay.RegisteredOn = calendar.Civil(c.RegisteredAt)
	return wb.app.Cases.ForwardBy(&withDay)
}

// afterMove is where a moved case's page was: the case, for an admin who still
// sees it; the queue, for staff whose department no longer has it.
func afterMove(u *identity.User, id int64) string {
	if u.Role == identity.Admin {
		return fmt.Sprintf("/admin/cazuri/%d", id)
	}
	return "/admin/cazuri"
}

// adminReroute moves a case to another service: the virtual civil servant's
// proposal confirmed (step), or a service the person chose, with a reason.
func (wb *Web) adminReroute(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	ctx, u := r.Context(), rq.User
	if s := strings.TrimSpace(r.FormValue("step")); s != "" {
		step, err := strconv.ParseInt(s, 10, 64)
		if err != nil || step <= 0 {
			return errNotFound
		}
		_, err = wb.app.Clerk.ConfirmReroute(ctx, u, id, step)
		return wb.rerouteDone(w, r, rq, id, err, nil)
	}
	service, reason := strings.TrimSpace(r.FormValue("service")), strings.TrimSpace(r.FormValue("reason"))
	form := map[string]string{"reroute-service": service, "reroute-reason": r.FormValue("reason")}
	var errs []FieldError
	if _, ok := wb.catalog().Service(service); !ok {
		errs = append(errs, fieldErr(rq, "reroute-service", "admin.error.reroute_service"))
	}
	errs = append(errs, reasonErrors(rq, "reroute-reason", "admin.error.reroute_reason", reason)...)
	if len(errs) > 0 {
		return wb.renderAdminCase(w, r, rq, id, http.StatusUnprocessableEntity, form, errs...)
	}
	_, err = wb.app.Clerk.Reroute(ctx, u, id, service, reason)
	return wb.rerouteDone(w, r, rq, id, err, form)
}

func (wb *Web) rerouteDone(w http.ResponseWriter, r *http.Request, rq *request, id int64, err error, form map[string]string) error {
	switch {
	case err == nil:
		return wb.redirect(w, r, afterMove(rq.User, id), "admin.case.rerouted")
	case errors.Is(err, clerk.ErrNoProposal):
		return wb.renderAdminCase(w, r, rq, id, http.StatusConflict, form, fieldErr(rq, "reroute-service", "admin.error.no_proposal"))
	case errors.Is(err, cases.ErrUnknownService):
		return wb.renderAdminCase(w, r, rq, id, http.StatusUnprocessableEntity, form, fieldErr(rq, "reroute-service", "admin.error.reroute_service"))
	case errors.Is(err, cases.ErrSameService):
		return wb.renderAdminCase(w, r, rq, id, http.StatusUnprocessableEntity, form, fieldErr(rq, "reroute-service", "admin.error.reroute_same"))
	}
	return wb.caseAction(w, r, rq, id, err, form, "reroute", "admin.case.rerouted")
}

// adminForward forwards a petition to the institution a person chose.
func (wb *Web) adminForward(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	institution, reason := strings.TrimSpace(r.FormValue("institution")), strings.TrimSpace(r.FormValue("reason"))
	form := map[string]string{"forward-institution": institution, "forward-reason": r.FormValue("reason")}
	var errs []FieldError
	if _, ok := wb.app.Catalog.Institution(institution); !ok {
		errs = append(errs, fieldErr(rq, "forward-institution", "admin.error.forward_institution"))
	}
	errs = append(errs, reasonErrors(rq, "forward-reason", "admin.error.forward_reason", reason)...)
	if len(errs) > 0 {
		return wb.renderAdminCase(w, r, rq, id, http.StatusUnprocessableEntity, form, errs...)
	}
	_, err = wb.app.Clerk.Forward(r.Context(), rq.User, id, institution, reason)
	if errors.Is(err, cases.ErrUnknownInstitution) {
		return wb.renderAdminCase(w, r, rq, id, http.StatusUnprocessableEntity, form, fieldErr(rq, "forward-institution", "admin.error.forward_institution"))
	}
	return wb.caseAction(w, r, rq, id, err, form, "forward", "admin.case.forwarded")
}
