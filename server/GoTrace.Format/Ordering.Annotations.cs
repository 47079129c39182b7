using System.Text;
using System.Runtime.CompilerServices;

namespace GoTrace.Format;

/// <summary>
/// The ordering's handlers for tasks, regions, the GC and the other ranges, and metrics
/// (<c>src/internal/trace/order.go</c>); the scheduler handlers (procs, goroutines, syscalls) are in Ordering.cs.
/// </summary>
internal sealed partial class Ordering
{
    private static string NameKey(GenerationData d, ulong id) => Encoding.Latin1.GetString(d.RawString(id));

    private bool TaskBegin(ref DecodedEvent ev, ref Event o, GenerationData d, Ctx cur)
    {
        ulong id = ev.A0;
        if (_tasks.ContainsKey(id)) throw Fail($"task ID conflict: {id}");
        if (ev.A1 == 0) ev.A1 = Event.NoTask;
        if (!d.HasString(ev.A2)) throw Fail($"invalid string ID {ev.A2} for {ev.Type} event");
        _tasks[id] = (d.RawStringArray(ev.A2), ev.A1);
        ValidateUser(cur);
        Push(ref o, ev, cur, d);
        return true;
    }

    private bool TaskEnd(ref DecodedEvent ev, ref Event o, GenerationData d, Ctx cur)
    {
        ulong parent;
        if (_tasks.Remove(ev.A0, out var t))
        {
            parent = t.Parent;
            ev.A2 = d.AddExtraString(t.Name);
        }
        else
        {
            parent = Event.NoTask;
            ev.A2 = d.AddExtraString([]);
        }
        ValidateUser(cur);
        Push(ref o, ev, cur, d).Extra = parent;
        return true;
    }

    private bool RegionBegin(ref DecodedEvent ev, ref Event o, GenerationData d, Ctx cur)
    {
        ValidateUser(cur);
        if (!d.HasString(ev.A1)) throw Fail($"invalid string ID {ev.A1} for {ev.Type} event");
        if (!_g.TryGetValue(cur.G, out var s)) throw Fail($"encountered EvUserRegionBegin without known state for current goroutine {cur.G}");
        (s.Regions ??= []).Add((ev.A0, NameKey(d, ev.A1)));
        Push(ref o, ev, cur, d);
        return true;
    }

    private bool RegionEnd(ref DecodedEvent ev, ref Event o, GenerationData d, Ctx cur)
    {
        ValidateUser(cur);
        if (!d.HasString(ev.A1)) throw Fail($"invalid string ID {ev.A1} for {ev.Type} event");
        if (!_g.TryGetValue(cur.G, out var s)) throw Fail($"encountered EvUserRegionEnd without known state for current goroutine {cur.G}");
        if (s.Regions is { Count: > 0 } regions)
        {
            var r = (ev.A0, NameKey(d, ev.A1));
            var top = regions[^1];
            if (top != r)
                throw Fail($"misuse of region in goroutine {s.Id}: region end {{{r.A0} {r.Item2}}} when the inner-most active region start event is {{{top.Task} {top.Name}}}");
            regions.RemoveAt(regions.Count - 1);
        }
        Push(ref o, ev, cur, d);
        return true;
    }

    private bool GcActive(ref DecodedEvent ev, ref Event o, GenerationData d, ulong gen, Ctx cur)
    {
        ulong seq = ev.A0;
        if (gen == _initialGen)
        {
            if (_gc != GcState.Undetermined) throw Fail("GCActive in the first generation isn't first GC event");
            _gcSeq = seq;
            _gc = GcState.Running;
            Push(ref o, ev, cur, d);
            return true;
        }
        if (seq != _gcSeq + 1) return false;
        if (_gc != GcState.Running) throw Fail("encountered GCActive while GC was not in progress");
        _gcSeq = seq;
        ValidateUser(cur);
        Push(ref o, ev, cur, d);
        return true;
    }

    private bool GcBegin(ref DecodedEvent ev, ref Event o, GenerationData d, Ctx cur)
    {
        ulong seq = ev.A0;
        if (_gc == GcState.Undetermined)
        {
            _gcSeq = seq;
            _gc = GcState.Running;
            Push(ref o, ev, cur, d);
            return true;
        }
        if (seq != _gcSeq + 1) return false;
        if (_gc == GcState.Running) throw Fail("encountered GCBegin while GC was already in progress");
        _gcSeq = seq;
        _gc = GcState.Running;
        ValidateUser(cur);
        Push(ref o, ev, cur, d);
        return true;
    }

    private bool GcEnd(ref DecodedEvent ev, ref Event o, GenerationData d, Ctx cur)
    {
        ulong seq = ev.A0;
        if (seq != _gcSeq + 1) return false;
        if (_gc == GcState.NotRunning) throw Fail("encountered GCEnd when GC was not in progress");
        if (_gc == GcState.Undetermined) throw Fail("encountered GCEnd when GC was in an undetermined state");
        _gcSeq = seq;
        _gc = GcState.NotRunning;
        ValidateUser(cur);
        Push(ref o, ev, cur, d);
        return true;
    }

    private bool HeapMetric(ref DecodedEvent ev, ref Event o, GenerationData d, Ctx cur)
    {
        Validate(cur, Req.Must, Req.Must, Req.May);
        Push(ref o, ev, cur, d);
        return true;
    }

    private PState CurrentP(Ctx cur)
    {
        // Go indexes its map directly here (a missing P would be a nil dereference there); report it instead.
        if (!_p.TryGetValue(cur.P, out var p)) throw Fail($"uninitialized proc {cur.P} found during sweep");
        return p;
    }

    private bool SweepBegin(ref DecodedEvent ev, ref Event o, GenerationData d, Ctx cur)
    {
        Validate(cur, Req.Must, Req.Must, Req.May);
        CurrentP(cur).Begin(new RangeType(Ev.GCSweepBegin, 0));
        Push(ref o, ev, cur, d);
        return true;
    }

    private bool SweepActive(ref DecodedEvent ev, ref Event o, GenerationData d, ulong gen, Ctx cur)
    {
        long pid = (long)ev.A0;
        if (!_p.TryGetValue(pid, out var p)) throw Fail($"encountered GCSweepActive for unknown proc {pid}");
        p.Active(new RangeType(Ev.GCSweepBegin, 0), gen == _initialGen);
        Push(ref o, ev, cur, d);
        return true;
    }

    private bool SweepEnd(ref DecodedEvent ev, ref Event o, GenerationData d, Ctx cur)
    {
        Validate(cur, Req.Must, Req.Must, Req.May);
        CurrentP(cur).End(ev.Type);
        Push(ref o, ev, cur, d);
        return true;
    }

    private bool GoRangeBegin(ref DecodedEvent ev, ref Event o, GenerationData d, Ctx cur)
    {
        ValidateUser(cur);
        ulong desc = ev.Type == Ev.STWBegin ? ev.A0 : 0;
        if (!_g.TryGetValue(cur.G, out var s)) throw Fail($"encountered event of type {ev.Type} without known state for current goroutine {cur.G}");
        s.Begin(new RangeType(ev.Type, desc));
        Push(ref o, ev, cur, d);
        return true;
    }

    private bool GoRangeActive(ref DecodedEvent ev, ref Event o, GenerationData d, ulong gen, Ctx cur)
    {
        long gid = (long)ev.A0;
        if (!_g.TryGetValue(gid, out var s)) throw Fail($"uninitialized goroutine {gid} found during {Specs.Name(ev.Type)}");
        s.Active(new RangeType(Ev.GCMarkAssistBegin, 0), gen == _initialGen);
        Push(ref o, ev, cur, d);
        return true;
    }

    private bool GoRangeEnd(ref DecodedEvent ev, ref Event o, GenerationData d, Ctx cur)
    {
        ValidateUser(cur);
        if (!_g.TryGetValue(cur.G, out var s)) throw Fail($"encountered event of type {ev.Type} without known state for current goroutine {cur.G}");
        ulong desc = s.End(ev.Type);
        if (ev.Type == Ev.STWEnd) ev.A0 = desc;
        Push(ref o, ev, cur, d);
        return true;
    }

    private bool AllocFree(ref DecodedEvent ev, ref Event o, GenerationData d, Ctx cur)
    {
        Validate(cur, Req.Must, Req.May, Req.May);
        Push(ref o, ev, cur, d);
        return true;
    }
}
