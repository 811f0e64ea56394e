package clerk

// Online meeting with the case officer ("Tichetul albastru", Cluj-Napoca): the
// request names the applicant's earlier request; the meeting is booked with its
// department, on the earliest free slot from the preferred day.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/catalog"
	"github.com/cetate/cetate/internal/documents"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/sources"
	"github.com/cetate/cetate/internal/store"
)

// meetingService is the service whose answers book meetings.
const meetingService = "programare-intalnire-functionar"

// MeetingFacts describe the request the meeting is about (source meeting-slots).
type MeetingFacts struct {
	// RequestFound: the registration number is a request in the city hall's records.
	RequestFound bool `expr:"request_found" json:"request_found"`
	// RequestOwn: it was filed by the same account, or with the same CNP when the
	// applicant's identity is confirmed.
	RequestOwn bool `expr:"request_own" json:"request_own"`
	// Department handles that request; its officers' slots are booked.
	Department string `expr:"department" json:"department,omitempty"`
}

// periods are the preferred parts of the day, in minutes from midnight.
var periods = map[string][2]int{"dimineata": {9 * 60, 12 * 60}, "dupa-amiaza": {12 * 60, 16 * 60}}

func gatherMeeting(ctx context.Context, w *Worker, c *cases.Case, f *Facts) error {
	var id int64
	err := w.db.Read().QueryRowContext(ctx, `SELECT id FROM cases WHERE number = $1 AND id <> $2`, strings.TrimSpace(c.Fields["registration_number"]), c.ID).Scan(&id)
	if err != nil {
		if errors.Is(store.Map(err), store.ErrNotFound) {
			return nil
		}
		return err
	}
	oc, err := w.cases.Get(ctx, identity.VirtualClerk, id)
	if err != nil {
		return err
	}
	f.Meeting.RequestFound = true
	sameAccount := c.ApplicantID != 0 && oc.ApplicantID == c.ApplicantID
	sameCNP := f.Checks.IdentityConfirmed && oc.Fields["cnp"] != "" && oc.Fields["cnp"] == f.Applicant.CNP
	if sameAccount || sameCNP {
		f.Meeting.RequestOwn, f.Meeting.Department = true, oc.Department
	}
	return nil
}

// answerMeeting books the earliest free slot of the request's department from the
// preferred day, in the preferred part of the day if one is free, and states when,
// with whom, how to join and how to cancel.
func answerMeeting(ctx context.Context, w *Worker, c *cases.Case, f *Facts, r *catalog.Rule) (Answer, error) {
	from := c.Fields["preferred_date"]
	if from < f.Today {
		from = f.Today
	}
	period := periods[c.Fields["preferred_time"]]
	// An hour's notice at least, so that the confirmation is read before the meeting.
	b, err := sources.BookMeeting(ctx, w.db, sources.MeetingRequest{CaseID: c.ID, Department: f.Meeting.Department, FromDay: from,
		NotBefore: w.now().Add(time.Hour), PeriodFrom: period[0], PeriodTo: period[1], Phone: c.Fields["phone"] != ""})
	if errors.Is(err, sources.ErrNoFreeSlot) {
		return Answer{}, &Doubt{Rule: meetingService + "/fara-loc", Explain: catalog.Text{
			RO: "Nu mai este liber niciun interval pentru întâlniri online cu funcționarii compartimentului care se ocupă de cererea dumneavoastră, din ziua aleasă. Un funcționar vă contactează pentru o altă dată.",
			EN: "No slot is free any more for online meetings with the officers of the department handling your request, from the day you chose. A civil servant contacts you to agree another date.",
			HU: "A választott naptól nincs több szabad időpont online találkozóra a kérelmével foglalkozó osztály ügyintézőivel. Egy ügyintéző felveszi Önnel a kapcsolatot egy másik időpont egyeztetésére."}}
	}
	if err != nil {
		return Answer{}, err
	}
	dept := b.Department
	if d, ok := w.catalog.Department(b.Department); ok {
		dept = d.Name.RO
	}
	local := b.Local()
	when := fmt.Sprintf("%s, ora %s", longDate(local), local.Format("15:04"))
	join := "Întâlnirea are loc prin videoconferință, la adresa: " + b.Link + ". Intrați cu câteva minute înainte de ora stabilită; aveți nevoie de un calculator sau de un telefon cu cameră, microfon și acces la internet."
	mode := "videoconferință"
	if b.Channel == "telefon" {
		join = fmt.Sprintf("Funcționarul vă sună la numărul de telefon din cerere, %s, la ora stabilită.", c.Fields["phone"])
		mode = "telefon"
	}
	paragraphs := []string{
		fmt.Sprintf("Vă confirmăm întâlnirea online („Tichetul albastru”) cu %s, din cadrul compartimentului %s, pentru discutarea cererii dumneavoastră nr. %s.",
			b.Officer, dept, c.Fields["registration_number"]),
		fmt.Sprintf("Data și ora: %s (ora României); durata: cel mult %s.", when, minutesRO(b.Minutes)),
		join,
	}
	if minute := local.Hour()*60 + local.Minute(); calendar.FormatDate(calendar.Civil(b.StartsAt)) != c.Fields["preferred_date"] ||
		(period[1] > 0 && (minute < period[0] || minute >= period[1])) {
		paragraphs = append(paragraphs, "În ziua și în intervalul pe care le-ați preferat nu era niciun loc liber; v-am programat la cea mai apropiată oră liberă, începând cu data aleasă.")
	}
	paragraphs = append(paragraphs, "Dacă nu mai puteți participa, anulați programarea din pagina cererii, în portal („Cererile mele”), sau anunțați Centrul de Informare pentru Cetățeni (str. Moților nr. 7), cel târziu în ziua lucrătoare dinaintea întâlnirii, menționând numărul prezentului document: intervalul este oferit altor persoane.")
	return Answer{
		Reason:     fmt.Sprintf("Întâlnire online programată %s, cu %s (%s).", when, b.Officer, dept),
		Paragraphs: paragraphs,
		Table: [][]string{{"Data", "Ora", "Durata", "Funcționar", "Mod"},
			{local.Format("02.01.2006"), local.Format("15:04"), minutesRO(b.Minutes), b.Officer, mode}},
	}, nil
}

// ErrNotAMeeting means the case is not a meeting request, or has no booking.
var ErrNotAMeeting = errors.New("the case has no meeting booked")

// CancelMeeting cancels the meeting booked for a case, for its applicant or for
// staff who see the case: the slot is freed for others, the confirmation is
// revoked, and both are audited. The reason is required.
func (w *Worker) CancelMeeting(ctx context.Context, u *identity.User, caseID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return cases.ErrReasonRequired
	}
	c, err := w.cases.Get(ctx, u, caseID) // scoped: the wrong user gets ErrNotFound
	if err != nil {
		return err
	}
	if c.Service != meetingService {
		return ErrNotAMeeting
	}
	return w.db.Tx(ctx, func(tx *store.Tx) error {
		b, err := sources.CancelBooking(ctx, tx, c.ID)
		if errors.Is(err, store.ErrNotFound) {
			return ErrNotAMeeting
		}
		if err != nil {
			return err
		}
		if err := documents.RevokeForCase(ctx, tx, c.ID, "Programare anulată: "+reason); err != nil {
			return err
		}
		return audit.Append(ctx, tx, audit.Entry{ActorID: u.ID, ActorRole: string(u.Role), Action: "meeting.cancel", Entity: "meeting_booking",
			EntityID: b.SlotID, CaseID: c.ID, Detail: fmt.Sprintf("%s, %s: %s", b.Local().Format(time.DateTime), b.Officer, reason)})
	})
}
