package web

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/store"
)

// StaffWelcomeLifetime is how long the link a new staff member gets to choose a
// password stays valid.
const StaffWelcomeLifetime = 72 * time.Hour

type usersData struct {
	adminBase
	Rows        []userRow
	Next        string
	Roles       []identity.Role
	Departments []option
	New         newUserForm
}

type userRow struct {
	identity.Account
	DeptName string
}

type newUserForm struct {
	Email, Name, Role, Department string
}

// usersPage lists staff accounts; names and e-mail addresses are personal data, so
// the look is audited.
func (wb *Web) usersPage(r *http.Request, rq *request, d *usersData) error {
	ctx, u := r.Context(), rq.User
	f := identity.AccountFilter{Limit: 50}
	if s := r.URL.Query().Get("dupa"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return errNotFound
		}
		f.AfterID = n
	}
	list, next, err := identity.StaffAccounts(ctx, wb.app.DB.Read(), f)
	if err != nil {
		return err
	}
	if err := audit.Log(ctx, wb.app.DB, audit.Entry{ActorID: u.ID, ActorRole: string(u.Role), Action: "user.list", Entity: "user"}); err != nil {
		return err
	}
	d.adminBase, d.Roles, d.Departments = wb.adminBase(r, rq), identity.StaffRoles, wb.allDepartments(rq.Lang)
	for _, a := range list {
		d.Rows = append(d.Rows, userRow{Account: a, DeptName: wb.departmentName(a.Department, rq.Lang)})
	}
	if next != 0 {
		d.Next = "/admin/utilizatori?" + url.Values{"dupa": {strconv.FormatInt(next, 10)}}.Encode()
	}
	return nil
}

func (wb *Web) adminUsers(w http.ResponseWriter, r *http.Request, rq *request) error {
	d := &usersData{New: newUserForm{Role: string(identity.Worker)}}
	if err := wb.usersPage(r, rq, d); err != nil {
		return err
	}
	return wb.render(w, r, rq, "admin_users", "admin.users.title", d)
}

// checkStaffRole checks a role and department chosen in a form; the field names are
// prefix+"role" and prefix+"department".
func (wb *Web) checkStaffRole(rq *request, prefix, role, department string) []FieldError {
	var errs []FieldError
	valid := false
	for _, x := range identity.StaffRoles {
		valid = valid || string(x) == role
	}
	if !valid {
		errs = append(errs, fieldErr(rq, prefix+"role", "admin.users.role_required"))
	}
	if department != "" {
		if _, ok := wb.catalog().Department(department); !ok {
			errs = append(errs, fieldErr(rq, prefix+"department", "admin.users.department_required"))
		}
	} else if role == string(identity.Worker) || role == string(identity.Head) {
		errs = append(errs, fieldErr(rq, prefix+"department", "admin.users.department_required"))
	}
	return errs
}

// adminCreateUser creates a staff account. Nobody types its password: the new
// colleague gets an e-mail with a link to choose one.
func (wb *Web) adminCreateUser(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := newUserForm{Email: strings.TrimSpace(r.FormValue("email")), Name: strings.TrimSpace(r.FormValue("name")),
		Role: r.FormValue("role"), Department: r.FormValue("department")}
	var errs []FieldError
	if _, err := identity.NormalizeEmail(f.Email); err != nil {
		errs = append(errs, fieldErr(rq, "new-email", "field.invalid_email"))
	}
	if f.Name == "" || len([]rune(f.Name)) > 200 || hasControl(f.Name) {
		errs = append(errs, fieldErr(rq, "new-name", "admin.users.name_required"))
	}
	errs = append(errs, wb.checkStaffRole(rq, "new-", f.Role, f.Department)...)
	if len(errs) == 0 {
		secret := make([]byte, 32)
		rand.Read(secret)
		u, err := identity.CreateUser(r.Context(), wb.app.DB, identity.NewUser{Email: f.Email, Name: f.Name, Role: identity.Role(f.Role),
			Department: f.Department, Password: base64.RawURLEncoding.EncodeToString(secret), EmailVerified: true}, rq.User.ID)
		switch {
		case errors.Is(err, identity.ErrEmailTaken):
			errs = append(errs, fieldErr(rq, "new-email", "admin.users.email_taken"))
		case err != nil:
			return err
		default:
			if err := wb.sendLink(r, rq, u, identity.PurposeReset, StaffWelcomeLifetime, "/parola-noua", "account.staff_welcome"); err != nil {
				return err
			}
			return wb.redirect(w, r, fmt.Sprintf("/admin/utilizatori/%d", u.ID), "admin.users.created")
		}
	}
	d := &usersData{New: f}
	if err := wb.usersPage(r, rq, d); err != nil {
		return err
	}
	w.WriteHeader(http.StatusUnprocessableEntity)
	return wb.render(w, r, rq, "admin_users", "admin.users.title", d, errs...)
}

type userEditData struct {
	adminBase
	A           *identity.Account
	DeptName    string
	Roles       []identity.Role
	Departments []option
	Role        string
	Department  string
	Self        bool
}

func (wb *Web) loadAccount(r *http.Request) (*identity.Account, error) {
	id, err := pathInt(r, "id")
	if err != nil {
		return nil, err
	}
	a, err := identity.AccountByID(r.Context(), wb.app.DB.Read(), id)
	if err != nil {
		return nil, err
	}
	if a.Role == identity.Citizen {
		return nil, errNotFound // citizens' accounts are not managed here
	}
	return a, nil
}

func (wb *Web) adminUser(w http.ResponseWriter, r *http.Request, rq *request) error {
	a, err := wb.loadAccount(r)
	if err != nil {
		return err
	}
	return wb.renderUser(w, r, rq, a, string(a.Role), a.Department, http.StatusOK)
}

func (wb *Web) renderUser(w http.ResponseWriter, r *http.Request, rq *request, a *identity.Account, role, dept string, status int, errs ...FieldError) error {
	u := rq.User
	if err := audit.Log(r.Context(), wb.app.DB, audit.Entry{ActorID: u.ID, ActorRole: string(u.Role), Action: "user.view",
		Entity: "user", EntityID: strconv.FormatInt(a.ID, 10)}); err != nil {
		return err
	}
	d := userEditData{adminBase: wb.adminBase(r, rq), A: a, DeptName: wb.departmentName(a.Department, rq.Lang), Roles: identity.StaffRoles,
		Departments: wb.allDepartments(rq.Lang), Role: role, Department: dept, Self: a.ID == u.ID}
	if status != http.StatusOK {
		w.WriteHeader(status)
	}
	return wb.render(w, r, rq, "admin_user", "admin.user.title", d, errs...)
}

// adminSaveUser changes a staff account's role and department.
func (wb *Web) adminSaveUser(w http.ResponseWriter, r *http.Request, rq *request) error {
	a, err := wb.loadAccount(r)
	if err != nil {
		return err
	}
	role, dept := r.FormValue("role"), r.FormValue("department")
	if errs := wb.checkStaffRole(rq, "", role, dept); len(errs) > 0 {
		return wb.renderUser(w, r, rq, a, role, dept, http.StatusUnprocessableEntity, errs...)
	}
	err = identity.ChangeRole(r.Context(), wb.app.DB, rq.User, a.ID, identity.Role(role), dept)
	switch {
	case errors.Is(err, identity.ErrOwnAccount):
		return wb.renderUser(w, r, rq, a, role, dept, http.StatusUnprocessableEntity, fieldErr(rq, "role", "admin.users.own_account"))
	case errors.Is(err, identity.ErrNeedDepartment):
		return wb.renderUser(w, r, rq, a, role, dept, http.StatusUnprocessableEntity, fieldErr(rq, "department", "admin.users.department_required"))
	case errors.Is(err, identity.ErrInvalidRole):
		return wb.renderUser(w, r, rq, a, role, dept, http.StatusUnprocessableEntity, fieldErr(rq, "role", "admin.users.role_required"))
	case errors.Is(err, identity.ErrNotStaff), errors.Is(err, store.ErrNotFound):
		return errNotFound
	case err != nil:
		return err
	}
	return wb.redirect(w, r, fmt.Sprintf("/admin/utilizatori/%d", a.ID), "admin.users.saved")
}

func (wb *Web) adminDisableUser(w http.ResponseWriter, r *http.Request, rq *request) error {
	return wb.setUserDisabled(w, r, rq, true)
}

func (wb *Web) adminEnableUser(w http.ResponseWriter, r *http.Request, rq *request) error {
	return wb.setUserDisabled(w, r, rq, false)
}

func (wb *Web) setUserDisabled(w http.ResponseWriter, r *http.Request, rq *request, disabled bool) error {
	a, err := wb.loadAccount(r)
	if err != nil {
		return err
	}
	err = identity.SetDisabled(r.Context(), wb.app.DB, rq.User, a.ID, disabled)
	switch {
	case errors.Is(err, identity.ErrOwnAccount):
		return wb.renderUser(w, r, rq, a, string(a.Role), a.Department, http.StatusUnprocessableEntity, fieldErr(rq, "status", "admin.users.own_account"))
	case errors.Is(err, identity.ErrNotStaff), errors.Is(err, store.ErrNotFound):
		return errNotFound
	case err != nil:
		return err
	}
	key := "admin.users.enabled"
	if disabled {
		key = "admin.users.disabled"
	}
	return wb.redirect(w, r, fmt.Sprintf("/admin/utilizatori/%d", a.ID), key)
}
