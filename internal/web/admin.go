package web

import (
	"context"
	"net/http"
	"sort"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/cetate/cetate/internal/budget"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/identity"
)

// adminRoutes are the back office's pages under /admin. Every route needs staff at
// least; the finer rule sits beside it (clerks keep the registry, admins run the
// platform) and the domains check the rest: staff act only within their department.
func (wb *Web) adminRoutes() []route {
	return []route{
		{"GET /admin", staff, wb.adminHome},

		{"GET /admin/cazuri", staff, wb.adminQueue},
		{"GET /admin/cazuri/{id}", staff, wb.adminCase},
		{"GET /admin/cazuri/{id}/fisiere/{file}", staff, wb.adminCaseFile},
		{"POST /admin/cazuri/{id}/repartizare", staff, wb.adminAssign},
		{"POST /admin/cazuri/{id}/automat/{step}", staff, wb.adminReview},
		{"POST /admin/cazuri/{id}/informatii", staff, wb.adminRequestInfo},
		{"POST /admin/cazuri/{id}/prelungire", staff, wb.adminExtend},
		{"POST /admin/cazuri/{id}/solutionare", staff, wb.adminDecide},
		{"POST /admin/cazuri/{id}/inchidere", staff, wb.adminClose},
		{"POST /admin/cazuri/{id}/redirectionare", staff, wb.adminReroute},
		{"POST /admin/cazuri/{id}/transmitere", staff, wb.adminForward},

		{"GET /admin/registratura", staff, wb.adminRegistry},
		{"POST /admin/registratura/cerere", staff, wb.adminRegisterRequest},
		{"POST /admin/registratura/document", staff, wb.adminRegisterDocument},
		{"POST /admin/registratura/{id}/anulare", staff, wb.adminCancelEntry},

		// Identity at the counter: every staff role verifies, only an admin revokes.
		{"GET /admin/identitate", staff, wb.adminIdentity},
		{"POST /admin/identitate/{id}", staff, wb.adminVerifyIdentity},
		{"POST /admin/identitate/{id}/revocare", admin, wb.adminRevokeIdentity},

		{"GET /admin/tablou", staff, wb.adminDashboard},

		{"GET /admin/servicii", admin, wb.adminServices},
		{"GET /admin/servicii/{code}", admin, wb.adminService},
		{"POST /admin/servicii/{code}", admin, wb.adminSaveService},
		{"POST /admin/servicii/{code}/activare", admin, wb.adminEnableService},
		{"POST /admin/servicii/{code}/dezactivare", admin, wb.adminDisableService},

		{"GET /admin/utilizatori", admin, wb.adminUsers},
		{"POST /admin/utilizatori", admin, wb.adminCreateUser},
		{"GET /admin/utilizatori/{id}", admin, wb.adminUser},
		{"POST /admin/utilizatori/{id}", admin, wb.adminSaveUser},
		{"POST /admin/utilizatori/{id}/dezactivare", admin, wb.adminDisableUser},
		{"POST /admin/utilizatori/{id}/activare", admin, wb.adminEnableUser},
	}
}

// Who does what in the back office.

// processes reports whether u works on cases: workers, heads and admins.
func processes(u *identity.User) bool {
	return u.Role == identity.Worker || u.Role == identity.Head || u.Role == identity.Admin
}

// keepsRegistry reports whether u keeps the general registry (as the API's rule).
func keepsRegistry(u *identity.User) bool {
	return u.Role == identity.Clerk || u.Role == identity.Admin
}

// seesQueue reports whether u has a department queue to see (admins see them all).
func seesQueue(u *identity.User) bool {
	return u.Role == identity.Admin || u.Department != ""
}

// navLink is one entry of the back office's own menu.
type navLink struct {
	Href, Label string
	Current     bool
}

// adminBase is what every back-office page carries: its menu.
type adminBase struct {
	Nav []navLink
}

func (wb *Web) adminBase(r *http.Request, rq *request) adminBase {
	u := rq.User
	var nav []navLink
	add := func(href, label string) {
		cur := r.URL.Path == href || (href != "/admin" && strings.HasPrefix(r.URL.Path, href+"/"))
		nav = append(nav, navLink{href, label, cur})
	}
	add("/admin", "admin.nav.home")
	if seesQueue(u) {
		add("/admin/cazuri", "admin.nav.queue")
		add("/admin/tablou", "admin.nav.dashboard")
	}
	if keepsRegistry(u) {
		add("/admin/registratura", "admin.nav.registry")
	}
	if identity.MayVerifyIdentity(u) {
		add("/admin/identitate", "identity.admin.nav")
	}
	if budget.IsCommission(u) {
		add("/admin/buget", "budget.admin.nav")
	}
	if u.Role == identity.Admin {
		add("/admin/servicii", "admin.nav.services")
		add("/admin/utilizatori", "admin.nav.users")
	}
	return adminBase{Nav: nav}
}

type adminHomeData struct {
	adminBase
	Department string
	Queue      *queueData
	Registry   bool
	Admin      bool
}

// adminHome is the user's desk: their department's most urgent cases, and the
// screens their role opens.
func (wb *Web) adminHome(w http.ResponseWriter, r *http.Request, rq *request) error {
	u := rq.User
	d := adminHomeData{adminBase: wb.adminBase(r, rq), Registry: keepsRegistry(u), Admin: u.Role == identity.Admin,
		Department: wb.departmentName(u.Department, rq.Lang)}
	if u.Department != "" && u.Role != identity.Clerk {
		q, err := wb.queue(r.Context(), rq, cases.QueueFilter{Department: u.Department, Limit: 10})
		if err != nil {
			return err
		}
		d.Queue = q
	}
	return wb.render(w, r, rq, "admin_home", "admin.home.title", d)
}

// departmentName is a department's name in lang, or its code if the catalogue has
// no such department.
func (wb *Web) departmentName(code, lang string) string {
	if d, ok := wb.catalog().Department(code); ok {
		return d.Name.In(lang)
	}
	return code
}

// allDepartments lists every department of the catalogue, by name.
func (wb *Web) allDepartments(lang string) []option {
	var out []option
	for _, d := range wb.catalog().Departments() {
		out = append(out, option{d.Code, d.Name.In(lang)})
	}
	sortOptions(lang, out)
	return out
}

// lessIn returns a comparison of texts in lang's alphabetical order ("Înregistrare"
// among the I's in Romanian, not after Z).
func lessIn(lang string) func(a, b string) bool {
	c := collate.New(language.Make(lang), collate.IgnoreCase)
	return func(a, b string) bool { return c.CompareString(a, b) < 0 }
}

// sortOptions sorts options by label in lang's alphabetical order.
func sortOptions(lang string, opts []option) {
	less := lessIn(lang)
	sort.SliceStable(opts, func(i, j int) bool { return less(opts[i].Label, opts[j].Label) })
}

// serviceName is a service's name in lang, or its code.
func (wb *Web) serviceName(code, lang string) string {
	if s, ok := wb.catalog().Service(code); ok {
		return s.Name.In(lang)
	}
	return code
}

// userNames returns the names of the given accounts, disabled ones included.
func (wb *Web) userNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	return identity.Names(ctx, wb.app.DB.Read(), ids)
}

// fieldErr is a translated error for a form field.
func fieldErr(rq *request, field, key string, args ...any) FieldError {
	return FieldError{Field: field, Message: i18nT(rq.Lang, key, args...)}
}
