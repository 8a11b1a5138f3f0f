public import Foundation

/// A daily window, in the terminals' local time zone, inside which steps that touch a terminal may run.
public struct MaintenanceWindow: Sendable, Equatable {
    /// Minutes after local midnight; `end` before `start` means the window crosses midnight.
    public var startMinute: Int
    public var endMinute: Int
    public var timeZone: TimeZone
    public var notBefore: Date?

    public init(startMinute: Int, endMinute: Int, timeZone: TimeZone, notBefore: Date? = nil) {
        self.startMinute = startMinute
        self.endMinute = endMinute
        self.timeZone = timeZone
        self.notBefore = notBefore
    }

    /// Always open (after `notBefore`, if set).
    public static func always(notBefore: Date? = nil) -> MaintenanceWindow {
        MaintenanceWindow(startMinute: 0, endMinute: 24 * 60, timeZone: .gmt, notBefore: notBefore)
    }

    public func isOpen(at date: Date) -> Bool {
        if let notBefore, date < notBefore { return false }
        if endMinute - startMinute >= 24 * 60 { return true }
        let minute = minuteOfDay(date)
        return startMinute <= endMinute
            ? minute >= startMinute && minute < endMinute
            : minute >= startMinute || minute < endMinute
    }

    /// `date` itself when the window is open then, otherwise the next moment it opens.
    public func nextOpen(atOrAfter date: Date) -> Date {
        let from = max(date, notBefore ?? date)
        if isOpen(at: from) { return from }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let midnight = calendar.startOfDay(for: from)
        for dayOffset in 0...2 {
            guard let day = calendar.date(byAdding: .day, value: dayOffset, to: midnight),
                let opening = calendar.date(byAdding: .minute, value: startMinute, to: day)
            else { continue }
            if opening >= from { return opening }
        }
        return from.addingTimeInterval(86400)
    }

    private func minuteOfDay(_ date: Date) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
    }
}
