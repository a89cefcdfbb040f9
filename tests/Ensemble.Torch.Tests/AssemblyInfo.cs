// libtorch's generator, thread count and live-tensor counter are process-wide: tests that seed, count
// or reconfigure them must not interleave with others, so the whole assembly runs one test at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
