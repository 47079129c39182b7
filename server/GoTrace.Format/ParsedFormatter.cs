using System.Globalization;

namespace GoTrace.Format;

/// <summary>
/// Prints events in exactly the text of Go's <c>trace.Event.String()</c>, one per line, as
/// <c>go tool trace -d=parsed</c> does (<c>src/internal/trace/event.go</c>, <c>src/cmd/trace/main.go</c>).
/// </summary>
public static class ParsedFormatter
{
    private static readonly string[] KindNames =
        ["Bad", "Sync", "Metric", "Label", "StackSample", "RangeBegin", "RangeActive", "RangeEnd", "TaskBegin", "TaskEnd",
         "RegionBegin", "RegionEnd", "Log", "StateTransition", "Experimental"];

    private static readonly string[] GoStateNames = ["Undetermined", "NotExist", "Runnable", "Running", "Waiting", "Syscall"];
    private static readonly string[] ProcStateNames = ["Undetermined", "NotExist", "Running", "Idle"];

    /// <summary>Time zone used for the Sync event's wall clock (Go prints it in the local zone).</summary>
    public static TimeZoneInfo WallClockZone { get; set; } = TimeZoneInfo.Local;

    /// <summary>Writes one event followed by a newline.</summary>
    public static void Write(GoTextWriter w, in Event e)
    {
        w.Ascii("M=").Int(e.Thread).Ascii(" P=").Int(e.Proc).Ascii(" G=").Int(e.Goroutine)
         .Byte((byte)' ').Ascii(KindNames[(int)e.Kind]).Ascii(" Time=").Int(e.Time);
        var d = e.Generation;
        switch (e.Kind)
        {
            case EventKind.Metric:
                w.Ascii(" Name=").Ascii("\"" + e.MetricName + "\"").Ascii(" Value=Value{Uint64(").UInt(e.MetricValue).Ascii(")}");
                break;
            case EventKind.Label:
                w.Ascii(" Label=").Quote(d!.RawString(e.A0)).Ascii(" Resource=Goroutine(").Int(e.Goroutine).Byte((byte)')');
                break;
            case EventKind.RangeBegin or EventKind.RangeActive or EventKind.RangeEnd:
                w.Ascii(" Name=");
                if (e.Type is Ev.STWBegin or Ev.STWEnd)
                {
                    var name = new List<byte>("stop-the-world ("u8.ToArray());
                    name.AddRange(d!.RawString(e.A0).ToArray());
                    name.Add((byte)')');
                    w.Quote(name.ToArray());
                }
                else
                {
                    w.Ascii("\"" + e.RangeName + "\"");
                }
                w.Ascii(" Scope=");
                switch (e.RangeScopeKind)
                {
                    case ResourceKind.None: w.Ascii("None"); break;
                    case ResourceKind.Proc: w.Ascii("Proc(").Int(e.RangeScopeId).Byte((byte)')'); break;
                    default: w.Ascii("Goroutine(").Int(e.RangeScopeId).Byte((byte)')'); break;
                }
                if (e.Kind == EventKind.RangeEnd)
                {
                    w.Ascii(" Attributes=[");
                    if (e.HasSweepAttributes)
                        w.Ascii("\"bytes swept\"=Value{Uint64(").UInt(e.A0).Ascii(")} \"bytes reclaimed\"=Value{Uint64(").UInt(e.A1).Ascii(")}");
                    w.Byte((byte)']');
                }
                break;
            case EventKind.TaskBegin or EventKind.TaskEnd:
                w.Ascii(" ID=").UInt(e.TaskId).Ascii(" Parent=").UInt(e.TaskParent).Ascii(" Type=");
                if (e.Type == Ev.UserTaskBegin) w.Quote(d!.RawString(e.A2));
                else w.Quote(d!.ExtraString(e.A2));
                break;
            case EventKind.RegionBegin or EventKind.RegionEnd:
                w.Ascii(" Task=").UInt(e.A0).Ascii(" Type=").Quote(d!.RawString(e.A1));
                break;
            case EventKind.Log:
                w.Ascii(" Task=").UInt(e.A0).Ascii(" Category=").Quote(d!.RawString(e.A1)).Ascii(" Message=").Quote(d.RawString(e.A2));
                break;
            case EventKind.StateTransition:
                if (e.TransitionResource == ResourceKind.Proc)
                    w.Ascii(" ProcID=").Int(e.TransitionId).Byte((byte)' ').Ascii(ProcStateNames[e.OldState]).Ascii("->").Ascii(ProcStateNames[e.NewState]);
                else
                    w.Ascii(" GoID=").Int(e.TransitionId).Byte((byte)' ').Ascii(GoStateNames[e.OldState]).Ascii("->").Ascii(GoStateNames[e.NewState]);
                w.Ascii(" Reason=");
                w.Quote(e.Type is Ev.GoStop or Ev.GoBlock ? d!.RawString(e.A0) : []);
                if (e.HasTransitionStack)
                {
                    w.Ascii("\nTransitionStack=\n");
                    WriteStack(w, d!, e.TransitionStackId);
                }
                break;
            case EventKind.Experimental:
                w.Ascii(" Name=").Ascii(e.ExperimentalName).Ascii(" Args=[");
                var names = e.ExperimentalArgNames;
                for (int i = 0; i < names.Length; i++)
                {
                    if (i != 0) w.Ascii(", ");
                    w.Ascii(names[i]).Ascii("=Value{Uint64(").UInt(e.Arg(i)).Ascii(")}");
                }
                w.Byte((byte)']');
                break;
            case EventKind.Sync:
                w.Ascii(" N=").Int(e.SyncN);
                if (d is not null && d.HasClockSnapshot)
                {
                    w.Ascii(" Trace=").Int(d.ClockSnapshotTrace).Ascii(" Mono=").UInt(d.SnapshotMono)
                     .Ascii(" Wall=").Ascii(Rfc3339Nano(d.SnapshotWallSeconds, d.SnapshotWallNanos));
                }
                break;
        }
        if (e.HasStack)
        {
            w.Ascii("\nStack=\n");
            WriteStack(w, d!, e.StackId);
        }
        w.Byte((byte)'\n');
    }

    private static void WriteStack(GoTextWriter w, GenerationData d, ulong id)
    {
        foreach (var pc in d.StackPcs(id))
        {
            var f = d.Pcs[pc];
            w.Byte((byte)'\t').Raw(d.RawString(f.FuncId)).Ascii(" @ 0x").Hex(pc).Byte((byte)'\n');
            w.Ascii("\t\t").Raw(d.RawString(f.FileId)).Byte((byte)':').UInt(f.Line).Byte((byte)'\n');
        }
    }

    /// <summary>Go's <c>time.Unix(sec, nsec).Format(time.RFC3339Nano)</c> in <see cref="WallClockZone"/>.</summary>
    internal static string Rfc3339Nano(ulong sec, ulong nsec)
    {
        long s = unchecked((long)sec);
        long ns = unchecked((long)nsec);
        // time.Unix normalizes nsec outside [0, 1e9) into seconds.
        if (ns is < 0 or >= 1_000_000_000)
        {
            s += ns / 1_000_000_000;
            ns %= 1_000_000_000;
            if (ns < 0) { ns += 1_000_000_000; s--; }
        }
        DateTimeOffset utc;
        try
        {
            utc = DateTimeOffset.FromUnixTimeSeconds(s);
        }
        catch (ArgumentOutOfRangeException)
        {
            return s.ToString(CultureInfo.InvariantCulture) + "s"; // beyond what .NET can represent; only corrupt traces get here
        }
        var offset = WallClockZone.GetUtcOffset(utc);
        var local = utc.ToOffset(offset);
        var sb = new System.Text.StringBuilder(40);
        sb.Append(local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
        if (ns != 0)
        {
            string frac = ns.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
            sb.Append('.').Append(frac);
        }
        if (offset == TimeSpan.Zero) sb.Append('Z');
        else
        {
            sb.Append(offset < TimeSpan.Zero ? '-' : '+');
            var a = offset.Duration();
            sb.Append(a.Hours.ToString("D2", CultureInfo.InvariantCulture)).Append(':').Append(a.Minutes.ToString("D2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
