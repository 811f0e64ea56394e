package rules

import (
	"cmp"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
)

// equalShares runs mes_cost, mes_card or mes_points, with the Add1 completion
// and the greedy completion when the rule name asks for them. It follows
// pabutools 1.2 (rules/mes/mes_rule.py): every voter starts with budget/n
// (n counts empty ballots too); each round funds the project with the lowest
// price per unit of utility ρ, where a project's supporters each pay
// min(budget, ρ·utility) and together pay its cost; ties go to the smallest
// id. Add1 (voter_budget_increment=1) reruns with one more currency unit per
// voter until the outcome is exhaustive over the projects Equal Shares
// considers, or returns the previous outcome once one goes over the budget.
//
// Add1 may need as many reruns as the per-voter budget has currency units to
// grow before the outcome overspends or takes every project (at most the sum
// of the costs); real elections need tens to a few thousand.
func (t *tally) equalShares(rule string, res *Result, opt Options) error {
	util := strings.TrimPrefix(rule, "mes_")
	util, greedy := strings.CutSuffix(util, "_greedy")
	util, add1 := strings.CutSuffix(util, "_add1")

	e := t.newEngine(util)
	var out mesOutcome // no ballots: nothing funded, as pabutools
	if e.n > 0 {
		out = e.run(0)
		res.Runs = 1
		prev := mesOutcome{}
		for add1 {
			if opt.Progress != nil {
				opt.Progress(res.Runs)
			}
			if !e.feasible(out) {
				out = prev
				break
			}
			if e.exhaustive(out) {
				break
			}
			prev = out
			out = e.run(out.increments + 1)
			res.Runs++
		}
		res.VoterBudget = new(big.Rat).SetFrac64(1, e.n)
		res.VoterBudget.Mul(res.VoterBudget, t.in.Budget)
		res.VoterBudget.Add(res.VoterBudget, new(big.Rat).SetInt64(out.increments))
		res.Prices = map[string]*big.Rat{}
		for r, p := range out.sel {
			res.Prices[e.ids[p]] = new(big.Rat).SetFrac(out.sigma[r], out.denom)
		}
	}
	res.Winners = slices.Clone(e.free)
	for _, p := range out.sel {
		res.Winners = append(res.Winners, e.ids[p])
	}
	if greedy {
		res.Winners = t.greedy(t.supporters, res.Winners, t.in.Budget)
	}
	return nil
}

// costOf is the total cost of the projects.
func (t *tally) costOf(ids []string) *big.Rat {
	sum := new(big.Rat)
	for _, id := range ids {
		sum.Add(sum, t.cost[t.index[id]])
	}
	return sum
}

// feasible reports whether the outcome costs at most the budget.
func (e *engine) feasible(o mesOutcome) bool {
	spent := e.t1.SetInt64(0)
	for _, p := range o.sel {
		spent.Add(spent, e.costU[p])
	}
	return spent.Cmp(e.budgetU) <= 0
}

// exhaustive reports whether no project Equal Shares considers, and that is
// not chosen, would still fit (pabutools' is_exhaustive with
// available_projects set to the rule's projects). o must be the last run.
func (e *engine) exhaustive(o mesOutcome) bool {
	left := e.t1.Set(e.budgetU)
	for _, p := range o.sel {
		left.Sub(left, e.costU[p])
	}
	for p := range e.ids {
		if e.state[p] != chosen && e.costU[p].Cmp(left) <= 0 {
			return false
		}
	}
	return true
}

// mesOutcome is the result of one run of Equal Shares: the projects it chose
// (engine indexes) in order, and each one's price per point σ as
// sigma[r]/denom. It shares the engine's buffers: valid until the next run
// but one.
type mesOutcome struct {
	increments int64 // Add1 increments: the run gave each voter budget/n + increments
	sel        []int
	sigma      []*big.Int
	denom      *big.Int
}

// The engine computes Equal Shares exactly but fast.
//
// Voters with identical ballots always hold identical budgets, so they are
// one group with a weight. A group's budget is b0 − Σ m·σ_r over the rounds r
// where it paid its share in full (m its points for that round's project, σ_r
// the price per point), or 0 once it has paid all it had. So every exact
// quantity is a short integer combination of b0 and the few prices σ_r, and
// all of them are kept as integers over one common denominator S·L (S turns
// the costs and the budget into whole numbers, L grows as prices are found):
// exact arithmetic is big-integer multiplication and addition, without
// reducing fractions.
//
// The search runs on float64 copies of the budgets, whose error is bounded
// (errB). A decision the floats cannot make with certainty (a near tie, a
// budget next to a threshold) is made exactly, and each round's winner and
// price are computed exactly and checked against the floats.
type engine struct {
	ids     []string   // the projects Equal Shares considers: cost > 0, utility > 0
	costU   []*big.Int // costs × S
	costF   []float64
	scaleF  []float64 // the utility of one point: the cost for mes_cost, else 1
	byCost  bool      // mes_cost: compare projects by σ / cost
	free    []string  // free projects with supporters: chosen before any round
	sup     [][]supporter
	items   [][]item // each group's projects and points
	mTotal  []int64  // per project: Σ weight × points over its supporters
	w       []int64  // group weights: how many voters cast that ballot
	n       int64    // ballots, empty ones included
	s       *big.Int // S: budget and costs × S are whole numbers
	budgetU *big.Int // budget × S

	// State of one run.
	b0f   float64
	b0h   *big.Int // b0 × S·L
	l     *big.Int // L
	sl    *big.Int // S·L
	gs    []groupState
	paid  [][]payment
	state []uint8
	lb    []float64 // proven lower bounds of each project's ρ (float)
	mAct  []int64   // mTotal less the groups that have nothing left
	buf   [2]runBuffer
	cur   *runBuffer

	// Scratch.
	epoch      uint32
	coef       []int64
	cls        []uint8 // classification of the last exact σ, per supporter
	clsFor     int
	order      []int
	est        []float64 // this round's estimates of σ (NaN: none)
	t1, t2, t3 *big.Int
	f1, f2     *big.Float
}

// runBuffer holds one run's choices; two alternate, so that Add1 can keep the
// previous outcome while computing the next.
type runBuffer struct {
	sel   []int
	sigma []*big.Int // σ_r × S·L, at the current L
	sl    *big.Int   // S·L at the end of the run
}

// groupState is what the float search reads of a group, in one place: a
// pass over a project's supporters touches one cache line per group.
type groupState struct {
	bf       float64 // budget, approximately (within errB)
	wf       float64 // weight
	mark     uint32  // estimate's poor mark (an epoch)
	depleted bool    // the budget is exactly 0
}

type supporter struct {
	g   int32
	m   int64   // points (1 for cost and cardinality utilities)
	mf  float64 // m
	wm  float64 // weight × m
	wmI int64   // weight × m
}

type item struct {
	p int32
	m int64
}

type payment struct {
	r int32 // round
	m int64
}

// price is an exact σ found in the current round: num / (den·S·L).
type price struct {
	num *big.Int
	den int64
}

// Project states within a run.
const (
	open uint8 = iota
	chosen
	out
)

// Classifications of a supporter in a round: pays σ·m (rich), pays all it
// has (poor), or pays σ·m which is exactly all it has (richZero). The flag
// decidedExactly marks a classification made with exact budgets.
const (
	rich uint8 = iota
	poor
	richZero
	decidedExactly uint8 = 8
)

const eps = 0x1p-53

func (t *tally) newEngine(util string) *engine {
	e := &engine{clsFor: -1, byCost: util == "cost", n: int64(len(t.ballots)),
		t1: new(big.Int), t2: new(big.Int), t3: new(big.Int),
		f1: new(big.Float).SetPrec(64), f2: new(big.Float).SetPrec(64)}
	local := make([]int, len(t.cost))
	// A supporter's points: pabutools' satisfaction for the rule.
	points := func(v vote) int64 {
		if util == "points" {
			return v.pts
		}
		return 1 // cost and card: listed on the ballot
	}
	total := make([]int64, len(t.cost))
	for _, b := range t.ballots {
		for _, v := range b {
			total[v.p] += points(v)
		}
	}
	var costs []*big.Rat
	for i, c := range t.cost {
		local[i] = -1
		// Cost utility of a free project is 0, so it is not supported.
		if total[i] == 0 || (util == "cost" && c.Sign() == 0) {
			continue
		}
		if c.Sign() == 0 {
			e.free = append(e.free, t.in.Projects[i].ID)
			continue
		}
		local[i] = len(e.ids)
		e.ids = append(e.ids, t.in.Projects[i].ID)
		costs = append(costs, c)
		f, _ := c.Float64()
		e.costF = append(e.costF, f)
		if e.byCost {
			e.scaleF = append(e.scaleF, f)
		} else {
			e.scaleF = append(e.scaleF, 1)
		}
	}
	// pabutools appends free projects in set order; sorting them makes ours
	// deterministic (the order only differs with two or more of them).
	slices.Sort(e.free)
	e.s = big.NewInt(1)
	for _, r := range append([]*big.Rat{t.in.Budget}, costs...) {
		g := new(big.Int).GCD(nil, nil, e.s, r.Denom())
		e.s.Mul(e.s, new(big.Int).Quo(r.Denom(), g))
	}
	whole := func(r *big.Rat) *big.Int {
		x := new(big.Int).Mul(r.Num(), e.s)
		return x.Quo(x, r.Denom())
	}
	e.budgetU = whole(t.in.Budget)
	for _, c := range costs {
		e.costU = append(e.costU, whole(c))
	}
	// Group identical ballots, restricted to the projects considered.
	groups := map[string]int{}
	var items [][]item
	var key []byte
	for _, b := range t.ballots {
		var its []item
		for _, v := range b {
			if p := local[v.p]; p >= 0 && points(v) > 0 {
				its = append(its, item{p: int32(p), m: points(v)})
			}
		}
		if len(its) == 0 {
			continue
		}
		slices.SortFunc(its, func(a, b item) int { return cmp.Compare(a.p, b.p) })
		key = key[:0]
		for _, it := range its {
			key = strconv.AppendInt(key, int64(it.p), 10)
			key = append(key, ':')
			key = strconv.AppendInt(key, it.m, 10)
			key = append(key, ',')
		}
		g, ok := groups[string(key)]
		if !ok {
			g = len(e.w)
			groups[string(key)] = g
			e.w = append(e.w, 0)
			items = append(items, its)
		}
		e.w[g]++
	}
	e.sup = make([][]supporter, len(e.ids))
	e.gs = make([]groupState, len(e.w))
	e.items = items
	e.mTotal = make([]int64, len(e.ids))
	e.mAct = make([]int64, len(e.ids))
	for g, its := range items {
		e.gs[g].wf = float64(e.w[g])
		for _, it := range its {
			e.mTotal[it.p] += e.w[g] * it.m
			e.sup[it.p] = append(e.sup[it.p], supporter{g: int32(g), m: it.m, mf: float64(it.m), wm: float64(e.w[g] * it.m), wmI: e.w[g] * it.m})
		}
	}
	e.paid = make([][]payment, len(e.w))
	e.state = make([]uint8, len(e.ids))
	e.lb = make([]float64, len(e.ids))
	e.est = make([]float64, len(e.ids))
	e.b0h, e.l, e.sl = new(big.Int), new(big.Int), new(big.Int)
	e.cur = &e.buf[1]
	return e
}

// run computes Equal Shares with a budget per voter of budget/n + k.
func (e *engine) run(k int64) mesOutcome {
	// b0 × S·L with L = n: budget × S + k·S·n.
	e.l.SetInt64(e.n)
	e.sl.Mul(e.s, e.l)
	e.b0h.SetInt64(k)
	e.b0h.Mul(e.b0h, e.sl)
	e.b0h.Add(e.b0h, e.budgetU)
	e.b0f = e.ratio(e.b0h, 1)
	for g := range e.gs {
		e.gs[g].bf = e.b0f
		e.gs[g].depleted = false
		e.paid[g] = e.paid[g][:0]
	}
	if e.cur == &e.buf[0] {
		e.cur = &e.buf[1]
	} else {
		e.cur = &e.buf[0]
	}
	e.cur.sel = e.cur.sel[:0]
	for p := range e.state {
		e.state[p] = open
		e.lb[p] = 0
	}
	copy(e.mAct, e.mTotal)
	for {
		s, pr, ok := e.round()
		if !ok {
			break
		}
		e.pay(s, pr)
	}
	if e.cur.sl == nil {
		e.cur.sl = new(big.Int)
	}
	e.cur.sl.Set(e.sl)
	return mesOutcome{increments: k, sel: e.cur.sel, sigma: e.cur.sigma[:len(e.cur.sel)], denom: e.cur.sl}
}

// ratio is num / (den·S·L) as a float64, within one unit in the last place.
func (e *engine) ratio(num *big.Int, den int64) float64 {
	e.f1.SetInt(num)
	e.t3.SetInt64(den)
	e.t3.Mul(e.t3, e.sl)
	e.f2.SetInt(e.t3)
	f, _ := e.f1.Quo(e.f1, e.f2).Float64()
	return f
}

// errB bounds the error of every float budget: each payment adds at most
// about 2 ulps of b0; 4× that is the margin used.
func (e *engine) errB() float64 {
	return 8 * float64(len(e.cur.sel)+1) * eps * e.b0f
}

// round finds the next project to fund and its exact price per point σ; ok
// is false when no open project is affordable. Floats pick the likely
// winner; its σ is then computed exactly, and every other open project is
// proved dearer (by a lower bound, or a float check with error bounds) or
// compared exactly.
func (e *engine) round() (best int, pr price, ok bool) {
	order := e.order[:0]
	for p, st := range e.state {
		e.est[p] = math.NaN()
		if st == open {
			order = append(order, p)
		}
	}
	e.order = order
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(e.lb[a], e.lb[b]) })
	best, bestRho := -1, math.Inf(1)
	for _, p := range order {
		if e.lb[p] > bestRho*(1+1e-6) {
			break // proved dearer below, or compared exactly
		}
		sig, ok := e.estimate(p)
		if !ok {
			continue
		}
		e.est[p] = sig
		rho := sig / e.scaleF[p]
		if rho < bestRho || (rho == bestRho && e.ids[p] < e.ids[best]) {
			best, bestRho = p, rho
		}
	}
	if best < 0 {
		return -1, price{}, false
	}
	pr, ok = e.exactSigma(best, e.est[best])
	if !ok {
		// The estimate was wrong about affordability; start the round over.
		e.state[best] = out
		return e.round()
	}
	rhoF := e.ratio(pr.num, pr.den) / e.scaleF[best]
	for _, p := range order {
		if p == best || e.state[p] != open || e.lb[p] > rhoF*(1+8*eps) {
			continue
		}
		if e.above(p, rhoF*(1+8*eps)) {
			e.lb[p] = max(e.lb[p], rhoF*(1-8*eps))
			continue
		}
		sig := e.est[p]
		if math.IsNaN(sig) {
			if sig, ok = e.estimate(p); !ok {
				continue
			}
		}
		pp, ok := e.exactSigma(p, sig)
		if !ok {
			e.state[p] = out
			continue
		}
		if c := e.cmpRho(p, pp, best, pr); c < 0 || (c == 0 && e.ids[p] < e.ids[best]) {
			best, pr, rhoF = p, pp, e.ratio(pp.num, pp.den)/e.scaleF[p]
		}
		e.lb[p] = max(e.lb[p], e.ratio(pp.num, pp.den)/e.scaleF[p]*(1-8*eps))
	}
	if e.clsFor != best {
		pr, _ = e.exactSigma(best, e.ratio(pr.num, pr.den))
	}
	return best, pr, true
}

// cmpRho compares ρ = σ/scale of project p at price a with that of q at b.
// For mes_cost the scale is the cost: σ_a·cost_q against σ_b·cost_p.
func (e *engine) cmpRho(p int, a price, q int, b price) int {
	x := e.t1.Mul(a.num, e.t3.SetInt64(b.den))
	y := e.t2.Mul(b.num, e.t3.SetInt64(a.den))
	if e.byCost {
		x.Mul(x, e.costU[q])
		y.Mul(y, e.costU[p])
	}
	return x.Cmp(y)
}

// estimate computes project p's σ in floating point, by the poor/rich
// iteration of pabutools' affordability_poor_rich. It returns false, and
// marks p out, if p is certainly unaffordable: its supporters hold less than
// its cost. When affordability is too close to call it computes exactly.
// On success it also proves a lower bound of ρ close to the estimate.
//
// Each pass over the supporters finds the new poor at the current σ and, in
// the same pass, the total that above needs, so that the last pass (no new
// poor) also proves the bound.
func (e *engine) estimate(p int) (float64, bool) {
	c := e.costF[p]
	m := e.mAct[p]
	if m == 0 {
		e.state[p] = out
		return 0, false
	}
	wm := float64(m)
	e.epoch++
	if e.epoch == 0 {
		for g := range e.gs {
			e.gs[g].mark = 0
		}
		e.epoch = 1
	}
	sig := c / float64(m)
	var avail, w, poorSum, total float64
	changed := false
	lbRho := sig / e.scaleF[p] * (1 - 1e-9)
	x := lbRho * e.scaleF[p] * (1 + 4*eps)
	for _, s := range e.sup[p] {
		g := s.g
		if e.gs[g].depleted {
			continue
		}
		b := e.gs[g].bf
		avail += e.gs[g].wf * b
		w += e.gs[g].wf
		total += e.gs[g].wf * min(b, x*s.mf)
		if b < sig*s.mf {
			e.gs[g].mark = e.epoch
			poorSum += e.gs[g].wf * b
			m -= e.w[g] * s.m
			changed = true
		}
	}
	errB := e.errB()
	errAvail := 2 * (w*errB + float64(len(e.sup[p])+2)*eps*avail)
	switch {
	case avail+errAvail < c:
		e.state[p] = out
		return 0, false
	case avail-errAvail < c:
		return e.estimateExactly(p)
	}
	for changed {
		if m <= 0 {
			return e.estimateExactly(p) // rounding made everyone poor
		}
		sig = (c - poorSum) / float64(m)
		lbRho = sig / e.scaleF[p] * (1 - 1e-9)
		x = lbRho * e.scaleF[p] * (1 + 4*eps)
		changed, total = false, 0
		for _, s := range e.sup[p] {
			g := s.g
			if e.gs[g].depleted {
				continue
			}
			b := e.gs[g].bf
			total += e.gs[g].wf * min(b, x*s.mf)
			if e.gs[g].mark != e.epoch && b < sig*s.mf {
				e.gs[g].mark = e.epoch
				poorSum += e.gs[g].wf * b
				m -= s.wmI
				changed = true
			}
		}
	}
	// As in above: Σ w·min(b, x·m) below the cost proves ρ > lbRho.
	errF := w*errB + 2*eps*x*wm + float64(len(e.sup[p])+2)*eps*total
	if total+2*errF < c*(1-2*eps) {
		e.lb[p] = max(e.lb[p], lbRho*(1-8*eps))
	}
	return sig, true
}

// estimateExactly settles with exact budgets what the floats cannot.
func (e *engine) estimateExactly(p int) (float64, bool) {
	pr, ok := e.fullExact(p)
	if !ok {
		e.state[p] = out
		return 0, false
	}
	f := e.ratio(pr.num, pr.den)
	e.lb[p] = max(e.lb[p], f/e.scaleF[p]*(1-8*eps))
	return f, true
}

// above proves that project p's exact ρ is greater than rho (a float upper
// bound of some exact value). Since Σ w·min(b, σ·m) grows with σ and equals
// the cost at p's σ, a total below the cost at σ = rho·scale proves it.
func (e *engine) above(p int, rho float64) bool {
	x := rho * e.scaleF[p] * (1 + 4*eps)
	var total, w, wm float64
	for _, s := range e.sup[p] {
		if e.gs[s.g].depleted {
			continue
		}
		total += e.gs[s.g].wf * min(e.gs[s.g].bf, x*s.mf)
		w += e.gs[s.g].wf
		wm += s.wm
	}
	errF := w*e.errB() + 2*eps*x*wm + float64(len(e.sup[p])+2)*eps*total
	return total+2*errF < e.costF[p]*(1-2*eps)
}

// exactBudget sets dst to group g's budget × S·L.
func (e *engine) exactBudget(g int32, dst *big.Int) *big.Int {
	if e.gs[g].depleted {
		return dst.SetInt64(0)
	}
	dst.Set(e.b0h)
	for _, pay := range e.paid[g] {
		e.t3.SetInt64(pay.m)
		e.t3.Mul(e.t3, e.cur.sigma[pay.r])
		dst.Sub(dst, e.t3)
	}
	return dst
}

// combine sets dst to Σ w·b × S·L over the groups whose weight and
// coefficients were gathered: weight·b0 − Σ coef[r]·σ_r.
func (e *engine) combine(weight int64, dst *big.Int) *big.Int {
	dst.SetInt64(weight)
	dst.Mul(dst, e.b0h)
	for r, c := range e.coef {
		if c != 0 {
			e.t3.SetInt64(c)
			e.t3.Mul(e.t3, e.cur.sigma[r])
			dst.Sub(dst, e.t3)
		}
	}
	return dst
}

// exactSigma computes project p's exact σ, guided by the estimate sig, and
// leaves each supporter's classification in e.cls. Supporters whose budget is
// clearly below or above sig·m are classified by floats; the few next to the
// threshold are sorted and scanned exactly; the result is then verified
// against every float classification, and computed fully exactly if any
// fails. ok is false if p is unaffordable.
func (e *engine) exactSigma(p int, sig float64) (price, bool) {
	sup := e.sup[p]
	e.cls = slices.Grow(e.cls[:0], len(sup))[:len(sup)]
	e.clsFor = p
	e.coef = slices.Grow(e.coef[:0], len(e.cur.sel))[:len(e.cur.sel)]
	clear(e.coef)
	errB := e.errB()
	var poorW, richM int64
	var unsure []int
	for i, s := range sup {
		g := s.g
		if e.gs[g].depleted {
			e.cls[i] = poor
			continue
		}
		t := sig * s.mf
		d := e.gs[g].bf - t
		tol := 8*(errB+eps*(e.gs[g].bf+t)) + 1e-9*t
		switch {
		case d < -tol:
			e.cls[i] = poor
			poorW += e.w[g]
			for _, pay := range e.paid[g] {
				e.coef[pay.r] += e.w[g] * pay.m
			}
		case d > tol:
			e.cls[i] = rich
			richM += e.w[g] * s.m
		default:
			unsure = append(unsure, i)
		}
	}
	// rem: what the rich must pay, × S·L.
	rem := e.combine(poorW, new(big.Int))
	rem.Sub(new(big.Int).Mul(e.costU[p], e.l), rem)
	var pr price
	if len(unsure) > 0 {
		budgets := make(map[int]*big.Int, len(unsure))
		for _, i := range unsure {
			budgets[i] = e.exactBudget(sup[i].g, new(big.Int))
		}
		slices.SortFunc(unsure, func(i, j int) int { return e.cmpPerPoint(budgets[i], sup[i].m, budgets[j], sup[j].m) })
		r := richM
		for _, i := range unsure {
			r += e.w[sup[i].g] * sup[i].m
		}
		for k, i := range unsure {
			s := sup[i]
			// σ = rem/r; s is rich if σ·m ≤ b, that is rem·m ≤ b·r.
			if c := e.cmpShare(rem, r, s.m, budgets[i]); c <= 0 {
				pr = price{num: rem, den: r}
				for _, j := range unsure[k:] {
					e.cls[j] = rich | decidedExactly
					if e.cmpShare(rem, r, sup[j].m, budgets[j]) == 0 {
						e.cls[j] = richZero | decidedExactly
					}
				}
				break
			}
			e.cls[i] = poor | decidedExactly
			rem.Sub(rem, e.t1.Mul(budgets[i], e.t1.SetInt64(e.w[s.g])))
			r -= e.w[s.g] * s.m
		}
	}
	if pr.num == nil {
		if richM == 0 {
			return e.fullExact(p)
		}
		pr = price{num: rem, den: richM}
	}
	if pr.num.Sign() <= 0 || !e.verify(p, pr) {
		return e.fullExact(p)
	}
	return pr, true
}

// cmpPerPoint compares budgets per point a/ma and b/mb.
func (e *engine) cmpPerPoint(a *big.Int, ma int64, b *big.Int, mb int64) int {
	x := e.t1.Mul(a, e.t3.SetInt64(mb))
	y := e.t2.Mul(b, e.t3.SetInt64(ma))
	return x.Cmp(y)
}

// cmpShare compares a share σ·m, with σ = num/den, to a budget b (all × S·L).
func (e *engine) cmpShare(num *big.Int, den, m int64, b *big.Int) int {
	x := e.t1.Mul(num, e.t3.SetInt64(m))
	y := e.t2.Mul(b, e.t3.SetInt64(den))
	return x.Cmp(y)
}

// verify checks the float classifications of exactSigma against the exact σ:
// every poor supporter's budget is certainly below σ·m, every rich one's
// certainly above. Supporters classified exactly need no check.
func (e *engine) verify(p int, pr price) bool {
	sf := e.ratio(pr.num, pr.den)
	errB := e.errB()
	for i, s := range e.sup[p] {
		g := s.g
		if e.gs[g].depleted || e.cls[i]&decidedExactly != 0 {
			continue
		}
		t := sf * s.mf
		margin := 2*errB + 4*eps*(e.gs[g].bf+t)
		if e.cls[i] == poor && !(e.gs[g].bf+margin < t) || e.cls[i] == rich && !(e.gs[g].bf-margin > t) {
			return false
		}
	}
	return true
}

// fullExact computes project p's σ with exact budgets for every supporter,
// as pabutools does: supporters sorted by budget per point, the poorest pay
// all they have until the rest can share what remains. ok is false if the
// supporters hold less than the cost. The slow path, for what floats cannot
// settle.
func (e *engine) fullExact(p int) (price, bool) {
	sup := e.sup[p]
	e.cls = slices.Grow(e.cls[:0], len(sup))[:len(sup)]
	e.clsFor = p
	budgets := make([]*big.Int, len(sup))
	var idx []int
	avail := new(big.Int)
	var m int64
	for i, s := range sup {
		e.cls[i] = poor | decidedExactly
		if e.gs[s.g].depleted {
			continue
		}
		budgets[i] = e.exactBudget(s.g, new(big.Int))
		avail.Add(avail, e.t1.Mul(budgets[i], e.t1.SetInt64(e.w[s.g])))
		m += e.w[s.g] * s.m
		idx = append(idx, i)
	}
	rem := new(big.Int).Mul(e.costU[p], e.l)
	if avail.Cmp(rem) < 0 {
		return price{}, false
	}
	slices.SortFunc(idx, func(i, j int) int { return e.cmpPerPoint(budgets[i], sup[i].m, budgets[j], sup[j].m) })
	for k, i := range idx {
		s := sup[i]
		if e.cmpShare(rem, m, s.m, budgets[i]) <= 0 {
			for _, j := range idx[k:] {
				e.cls[j] = rich | decidedExactly
				if e.cmpShare(rem, m, sup[j].m, budgets[j]) == 0 {
					e.cls[j] = richZero | decidedExactly
				}
			}
			return price{num: rem, den: m}, true
		}
		rem.Sub(rem, e.t1.Mul(budgets[i], e.t1.SetInt64(e.w[s.g])))
		m -= e.w[s.g] * s.m
	}
	return price{}, false // unreachable when avail ≥ cost
}

// pay funds project s at price pr per point: its rich supporters pay σ·m,
// the poor ones all they have. The common denominator grows by pr's
// denominator, so that σ joins the other prices as a whole number.
func (e *engine) pay(s int, pr price) {
	sf := e.ratio(pr.num, pr.den)
	if g := gcd(pr.den, e.t1.Rem(pr.num, e.t2.SetInt64(pr.den)).Int64()); g > 1 {
		pr.num.Quo(pr.num, e.t1.SetInt64(g))
		pr.den /= g
	}
	if pr.den != 1 {
		d := e.t2.SetInt64(pr.den)
		e.l.Mul(e.l, d)
		e.sl.Mul(e.sl, d)
		e.b0h.Mul(e.b0h, d)
		for _, x := range e.cur.sigma[:len(e.cur.sel)] {
			x.Mul(x, d)
		}
	}
	r := int32(len(e.cur.sel))
	e.cur.sel = append(e.cur.sel, s)
	if len(e.cur.sigma) < len(e.cur.sel) {
		e.cur.sigma = append(e.cur.sigma, new(big.Int))
	}
	e.cur.sigma[r].Set(pr.num)
	e.state[s] = chosen
	for i, sp := range e.sup[s] {
		g := sp.g
		if e.gs[g].depleted {
			continue
		}
		switch e.cls[i] &^ decidedExactly {
		case rich:
			e.gs[g].bf = max(e.gs[g].bf-sf*sp.mf, 0)
			e.paid[g] = append(e.paid[g], payment{r: r, m: sp.m})
		default:
			e.gs[g].depleted = true
			e.gs[g].bf = 0
			for _, it := range e.items[g] {
				e.mAct[it.p] -= e.w[g] * it.m
			}
		}
	}
	e.clsFor = -1
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return max(a, -a)
}
