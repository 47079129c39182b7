using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;
using GoTrace.Format;

namespace GoTrace.Analysis;

/// <summary>One stack frame of the whole trace (frames are identified by PC; the first definition of a PC wins).</summary>
public readonly record struct Frame(ulong PC, string Function, string File, ulong Line);

/// <summary>
/// Stacks of a whole trace, interned across generations. The wire format numbers stacks per generation, so the same
/// call stack gets a new ID in every generation; here it is one <c>int</c> for the whole trace (0 = the empty stack),
/// keyed by its PC sequence. Frames are interned by PC. Not thread-safe while interning; read-only use after the pass
/// is safe from any thread.
/// </summary>
public sealed class StackTable
{
    private readonly List<Frame> _frames = [];
    private readonly Dictionary<ulong, int> _frameByPc = [];
    private readonly List<int[]> _stacks = [[]];
    private readonly List<ulong[]> _stackPcs = [[]];
    private readonly Dictionary<ulong[], int> _byPcs = new(PcsComparer.Instance);

    // Per-generation cache: generation stack ID -> interned stack.
    private GenerationData? _gen;
    private int[] _genDense = [];
    private readonly Dictionary<ulong, int> _genSparse = [];

    /// <summary>Number of distinct stacks, including the empty stack 0.</summary>
    public int Count => _stacks.Count;

    /// <summary>Number of distinct frames (PCs).</summary>
    public int FrameCount => _frames.Count;

    /// <summary>Frame indexes of stack <paramref name="stack"/>, leaf first.</summary>
    public ReadOnlySpan<int> FrameIndexes(int stack) => _stacks[stack];

    /// <summary>PCs of stack <paramref name="stack"/>, leaf first.</summary>
    public ReadOnlySpan<ulong> Pcs(int stack) => _stackPcs[stack];

    /// <summary>Frame number <paramref name="index"/>.</summary>
    public Frame GetFrame(int index) => _frames[index];

    /// <summary>Frames of stack <paramref name="stack"/>, leaf first (a new array).</summary>
    public Frame[] Frames(int stack)
    {
        var idx = _stacks[stack];
        var r = new Frame[idx.Length];
        for (int i = 0; i < idx.Length; i++) r[i] = _frames[idx[i]];
        return r;
    }

    /// <summary>The event's own stack (<c>ev.Stack()</c> in Go), interned.</summary>
    public int OfEvent(in Event ev) => ev.Generation is { } g ? Intern(g, ev.StackId) : 0;

    /// <summary>The event's transition stack (the stack of the goroutine changing state), interned.</summary>
    public int OfTransition(in Event ev) => ev.Generation is { } g ? Intern(g, ev.TransitionStackId) : 0;

    /// <summary>Interns stack <paramref name="id"/> of generation <paramref name="gen"/>.</summary>
    public int Intern(GenerationData gen, ulong id)
    {
        if (id == 0) return 0;
        if (!ReferenceEquals(gen, _gen))
        {
            _gen = gen;
            Array.Clear(_genDense);
            _genSparse.Clear();
        }
        if (id < 1 << 16)
        {
            if (id >= (ulong)_genDense.Length) Array.Resize(ref _genDense, Math.Max(1024, (int)BitOperations.RoundUpToPowerOf2((uint)id + 1)));
            int cached = _genDense[id];
            if (cached != 0) return cached - 1;
            int s = InternPcs(gen, id);
            _genDense[id] = s + 1;
            return s;
        }
        ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_genSparse, id, out bool exists);
        if (!exists) slot = InternPcs(gen, id);
        return slot;
    }

    private int InternPcs(GenerationData gen, ulong id)
    {
        var pcs = gen.StackPcs(id);
        if (pcs.Length == 0) return 0;
        if (_byPcs.TryGetValue(pcs, out int s)) return s;
        var idx = new int[pcs.Length];
        for (int i = 0; i < pcs.Length; i++)
        {
            ref int f = ref CollectionsMarshal.GetValueRefOrAddDefault(_frameByPc, pcs[i], out bool exists);
            if (!exists)
            {
                f = _frames.Count;
                var rec = gen.Pcs.TryGetValue(pcs[i], out var r) ? r : default;
                _frames.Add(new Frame(pcs[i], gen.String(rec.FuncId), gen.String(rec.FileId), rec.Line));
            }
            idx[i] = f;
        }
        s = _stacks.Count;
        _stacks.Add(idx);
        _stackPcs.Add(pcs);
        _byPcs.Add(pcs, s);
        return s;
    }

    private sealed class PcsComparer : IEqualityComparer<ulong[]>
    {
        public static readonly PcsComparer Instance = new();
        public bool Equals(ulong[]? x, ulong[]? y) => x.AsSpan().SequenceEqual(y);
        public int GetHashCode(ulong[] obj)
        {
            var h = new HashCode();
            h.AddBytes(MemoryMarshal.AsBytes(obj.AsSpan()));
            return h.ToHashCode();
        }
    }
}
