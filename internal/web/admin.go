package web

import "net/http"

// adminRoutes are the back office's pages under /admin.
func (wb *Web) adminRoutes() []route {
	return []route{
		{"GET /admin", staff, wb.adminHome},
	}
}

func (wb *Web) adminHome(w http.ResponseWriter, r *http.Request, rq *request) error {
	return wb.render(w, r, rq, "admin_home", "web.admin.title", nil)
}
