using System.IO.Compression;
using Google.Protobuf;
using GoTrace.Analysis.Pprof;
using ValueType = GoTrace.Analysis.Pprof.ValueType;

namespace GoTrace.Analysis;

/// <summary>
/// Encodes blocking-profile records as a pprof profile the way <c>go tool trace</c> does: sample types
/// contentions/count and delay/nanoseconds, period type trace/count, period 1, one location per distinct PC (one line,
/// no mapping), one function per distinct file+function; gzip-compressed.
/// </summary>
public static class PprofWriter
{
    /// <summary>Builds the profile message.</summary>
    public static Profile Build(StackTable stacks, IEnumerable<ProfileRecord> records)
    {
        var p = new Profile { Period = 1 };
        var strings = new Dictionary<string, long>();
        long Str(string s)
        {
            if (!strings.TryGetValue(s, out long i))
            {
                i = p.StringTable.Count;
                p.StringTable.Add(s);
                strings.Add(s, i);
            }
            return i;
        }
        Str("");
        p.SampleType.Add(new ValueType { Type = Str("contentions"), Unit = Str("count") });
        p.SampleType.Add(new ValueType { Type = Str("delay"), Unit = Str("nanoseconds") });

        var locByPc = new Dictionary<ulong, ulong>();
        var funcByKey = new Dictionary<(string File, string Func), ulong>();
        var funcs = new List<(string Func, string File)>();
        foreach (var r in records)
        {
            var s = new Sample();
            s.Value.Add(r.Count);
            s.Value.Add(r.Time);
            var frames = stacks.FrameIndexes(r.Stack);
            int n = Math.Min(frames.Length, BlockingProfile.MaxStack);
            for (int i = 0; i < n; i++)
            {
                var f = stacks.GetFrame(frames[i]);
                if (!locByPc.TryGetValue(f.PC, out ulong loc))
                {
                    if (!funcByKey.TryGetValue((f.File, f.Function), out ulong fid))
                    {
                        fid = (ulong)funcs.Count + 1;
                        funcs.Add((f.Function, f.File));
                        funcByKey.Add((f.File, f.Function), fid);
                    }
                    loc = (ulong)locByPc.Count + 1;
                    locByPc.Add(f.PC, loc);
                    var l = new Location { Id = loc, Address = f.PC };
                    l.Line.Add(new Line { FunctionId = fid, Line_ = (long)f.Line });
                    p.Location.Add(l);
                }
                s.LocationId.Add(loc);
            }
            p.Sample.Add(s);
        }
        for (int i = 0; i < funcs.Count; i++)
        {
            long name = Str(funcs[i].Func);
            p.Function.Add(new Function { Id = (ulong)i + 1, Name = name, SystemName = name, Filename = Str(funcs[i].File) });
        }
        p.PeriodType = new ValueType { Type = Str("trace"), Unit = Str("count") };
        return p;
    }

    /// <summary>Writes the profile gzip-compressed, as <c>go tool trace -pprof</c> does.</summary>
    public static void Write(Stream output, StackTable stacks, IEnumerable<ProfileRecord> records)
    {
        var p = Build(stacks, records);
        using var gz = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true);
        p.WriteTo(gz);
    }

    /// <summary>Reads a (possibly gzip-compressed) pprof profile.</summary>
    public static Profile Read(Stream input)
    {
        using var ms = new MemoryStream();
        input.CopyTo(ms);
        var bytes = ms.ToArray();
        if (bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
        {
            using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var raw = new MemoryStream();
            gz.CopyTo(raw);
            bytes = raw.ToArray();
        }
        return Profile.Parser.ParseFrom(bytes);
    }
}
