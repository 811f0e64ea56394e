package web

import (
	"errors"
	"math"
	"net/http"
	"sort"

	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/clerk"
	"github.com/cetate/cetate/internal/identity"
)

type dashboardData struct {
	adminBase
	D           *cases.Dashboard
	Rows        []dashboardRow
	Department  string
	DeptName    string
	Departments []option // admins choose one
	Admin       bool
	WindowDays  int
	SoonDays    int
	Median      string // overall, in days, one decimal
	Automation  []automationRow
}

type automationRow struct {
	clerk.ServiceAutomation
	Name string
}

type dashboardRow struct {
	cases.ServiceStats
	Name   string
	Median string
}

// medianText writes a median in days with one decimal, or a dash when nothing was decided.
func medianText(lang string, s cases.ServiceStats) string {
	if s.Decided == 0 {
		return "–"
	}
	return formatNumber(lang, math.Round(s.MedianDays*10)/10, 1)
}

// adminDashboard shows a department's workload: open, overdue, due soon, decided in
// the last days and the median time to a decision, overall and by service.
func (wb *Web) adminDashboard(w http.ResponseWriter, r *http.Request, rq *request) error {
	u := rq.User
	if !seesQueue(u) {
		return errForbidden
	}
	dept := ""
	if u.Role == identity.Admin {
		dept = r.URL.Query().Get("departament")
		if _, ok := wb.catalog().Department(dept); !ok {
			dept = ""
		}
	}
	dash, err := wb.app.Cases.Dashboard(r.Context(), u, dept)
	if errors.Is(err, cases.ErrNotAllowed) {
		return errForbidden
	}
	if err != nil {
		return err
	}
	d := dashboardData{adminBase: wb.adminBase(r, rq), D: dash, Department: dash.Department, Admin: u.Role == identity.Admin,
		DeptName: wb.departmentName(dash.Department, rq.Lang), WindowDays: int(cases.DashboardWindow.Hours() / 24), SoonDays: cases.DueSoonDays}
	d.Median = medianText(rq.Lang, dash.Total)
	if d.Admin {
		d.Departments = wb.allDepartments(rq.Lang)
	}
	for _, s := range dash.Services {
		d.Rows = append(d.Rows, dashboardRow{ServiceStats: s, Name: wb.serviceName(s.Service, rq.Lang), Median: medianText(rq.Lang, s)})
	}
	less := lessIn(rq.Lang)
	sort.SliceStable(d.Rows, func(i, j int) bool { return less(d.Rows[i].Name, d.Rows[j].Name) })
	stats, err := clerk.Stats(r.Context(), wb.app.DB.Read(), dash.Department)
	if err != nil {
		return err
	}
	for _, s := range stats {
		d.Automation = append(d.Automation, automationRow{ServiceAutomation: s, Name: wb.serviceName(s.Service, rq.Lang)})
	}
	return wb.render(w, r, rq, "admin_dashboard", "admin.dashboard.title", d)
}
