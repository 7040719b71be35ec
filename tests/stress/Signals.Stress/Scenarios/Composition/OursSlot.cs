namespace Signals.Stress.Scenarios.Composition;

/// <summary>The state of libsignals' slot for one signal, as the model expects it.</summary>
internal enum OursSlot
{
    None,         // not installed (or restored)
    Active,       // at least one subscription: records (and chains unless Handle)
    PassThrough,  // all subscriptions gone while someone was installed above us: only chains
}
