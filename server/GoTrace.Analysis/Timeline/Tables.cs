namespace GoTrace.Analysis.Timeline;

/// <summary>A GC/STW/sweep/mark-assist range (times: −1 = before the trace / still open).</summary>
internal struct RangeRec
{
    public int Name;
    public ResourceScope Scope;
    public long ScopeId, Start, End, Goroutine;
    public int StartStack, EndStack, Lane;
    public ulong Swept, Reclaimed;
}

internal struct RegionRec
{
    public long Goroutine, Start, End;
    public ulong Task;
    public int Name, StartStack, EndStack, Depth;
}

internal struct TaskRec
{
    public ulong Id, Parent;
    public int Name, StartStack, EndStack, Lane;
    public long Start, End, StartG, EndG;
}

internal struct LogRec
{
    public long Time, Goroutine, Proc, Thread;
    public ulong Task;
    public int Category, Message, Stack;
}

internal struct SampleRec
{
    public long Time, Goroutine, Proc, Thread;
    public int Stack;
}

/// <summary>The state of one span track being written: the current (last) span, not yet encoded, and the encoder.</summary>
internal struct TrackWriter
{
    public int Stream;
    public SpanEncoder Enc;
    public long Start, A, B;
    public int Code, Stack;
    public byte Cat;
    public bool Has;

    /// <summary>
    /// Begins a span at <paramref name="start"/>. A span beginning at or before the current one's start replaces it
    /// (back-dated first states); one equal to the current span in every field continues it.
    /// </summary>
    public void Set(RecordStore st, long start, byte cat, int code, int stack, long a, long b)
    {
        if (Has)
        {
            if (start <= Start)
            {
                Cat = cat;
                Code = code;
                Stack = stack;
                A = a;
                B = b;
                return;
            }
            if (cat == Cat && code == Code && stack == Stack && a == A && b == B) return;
            Emit(st);
        }
        Has = true;
        Start = start;
        Cat = cat;
        Code = code;
        Stack = stack;
        A = a;
        B = b;
    }

    private void Emit(RecordStore st)
    {
        // A goroutine gets a stream only when its first block fills up: most goroutines never do (see GoroutineTable).
        if (Stream < 0 && Enc.PendingItems == RecordStore.BlockItems) Stream = st.NewStream();
        var it = new SpanItem { Start = Start, Cat = Cat, Code = Code, Stack = Stack, A = A, B = B, Count = 1 };
        Enc.Add(st, Stream, in it);
    }

    /// <summary>Encodes the current span into the block being filled (no more spans will come).</summary>
    public void EmitPending(RecordStore st)
    {
        if (!Has) return;
        Emit(st);
        Has = false;
    }

    /// <summary>Encodes the current span and writes the last block (no more spans will come).</summary>
    public void Close(RecordStore st)
    {
        EmitPending(st);
        if (Stream < 0 && Enc.PendingItems > 0) Stream = st.NewStream();
        if (Stream >= 0) Enc.Close(st, Stream);
    }
}

/// <summary>Writes the lanes of range tracks: non-overlapping intervals separated by empty spans.</summary>
internal struct LaneWriter
{
    private readonly RecordStore _st;
    public readonly int Stream;
    private SpanEncoder _enc;
    private long _lastEnd;
    private bool _any;
    private readonly long _start;

    public LaneWriter(RecordStore st, long traceStart)
    {
        _st = st;
        Stream = st.NewStream();
        _start = traceStart;
        _lastEnd = traceStart;
    }

    public void Add(long start, long end, int name, int stack, long goroutine, long index)
    {
        if (!_any)
        {
            _any = true;
            if (start > _start) Put(_start, (byte)RangeState.Empty, 0, 0, -1, -1);
        }
        else if (start > _lastEnd)
        {
            Put(_lastEnd, (byte)RangeState.Empty, 0, 0, -1, -1);
        }
        Put(start, (byte)RangeState.Range, name, stack, goroutine, index);
        _lastEnd = Math.Max(end, start);
    }

    private void Put(long start, byte cat, int code, int stack, long a, long b)
    {
        var it = new SpanItem { Start = start, Cat = cat, Code = code, Stack = stack, A = a, B = b, Count = 1 };
        _enc.Add(_st, Stream, in it);
    }

    public void Close(long traceEnd)
    {
        if (!_any) Put(_start, (byte)RangeState.Empty, 0, 0, -1, -1);
        else if (_lastEnd < traceEnd) Put(_lastEnd, (byte)RangeState.Empty, 0, 0, -1, -1);
        _enc.Close(_st, Stream);
    }
}

/// <summary>Packs intervals into lanes: each goes to the first lane free at its start (properly nested intervals get their depth).</summary>
internal static class LanePacker
{
    /// <summary>Returns the lane of each interval; <paramref name="order"/> is the interval indices sorted by (start, −end).</summary>
    public static int[] Pack(ReadOnlySpan<long> starts, ReadOnlySpan<long> ends, int[] order, out int lanes)
    {
        var lane = new int[starts.Length];
        var busy = new PriorityQueue<int, long>(); // lane by the end of its interval
        var free = new SortedSet<int>();
        lanes = 0;
        foreach (int i in order)
        {
            while (busy.TryPeek(out int l, out long end) && end <= starts[i])
            {
                busy.Dequeue();
                free.Add(l);
            }
            int k;
            if (free.Count > 0)
            {
                k = free.Min;
                free.Remove(k);
            }
            else
            {
                k = lanes++;
            }
            lane[i] = k;
            busy.Enqueue(k, Math.Max(ends[i], starts[i] + 1));
        }
        return lane;
    }

    /// <summary>Indices 0..n−1 sorted by (start, −end, index).</summary>
    public static int[] Order(ReadOnlySpan<long> starts, ReadOnlySpan<long> ends)
    {
        var idx = new int[starts.Length];
        for (int i = 0; i < idx.Length; i++) idx[i] = i;
        var s = starts.ToArray();
        var e = ends.ToArray();
        Array.Sort(idx, (a, b) =>
        {
            int c = s[a].CompareTo(s[b]);
            if (c != 0) return c;
            c = e[b].CompareTo(e[a]);
            return c != 0 ? c : a.CompareTo(b);
        });
        return idx;
    }
}
