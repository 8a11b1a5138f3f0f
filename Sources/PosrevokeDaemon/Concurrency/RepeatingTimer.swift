import Dispatch

extension DispatchSource {
    /// A started timer that runs `work` on `queue` every `interval` (first after one interval), with a tenth of
    /// it as leeway. Keep the returned source: a timer that is released stops.
    static func repeating(
        every interval: Duration,
        on queue: DispatchQueue,
        _ work: @escaping @Sendable () -> Void
    ) -> any DispatchSourceTimer {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let ms = Int(interval.milliseconds)
        timer.schedule(
            deadline: .now() + .milliseconds(ms),
            repeating: .milliseconds(ms),
            leeway: .milliseconds(ms / 10)
        )
        timer.setEventHandler(handler: work)
        timer.resume()
        return timer
    }
}
