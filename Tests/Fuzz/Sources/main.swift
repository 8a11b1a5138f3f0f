// posrevoke-fuzz TARGET [libFuzzer options] [CORPUS_DIR...]
//
// The libFuzzer driver for every harness in Harness.swift. Built only by scripts/fuzz, with
// `-sanitize=fuzzer,address` (see Package.swift); TARGET picks the harness, the rest goes to libFuzzer.
import Foundation

/// libFuzzer's entry point when the program keeps its own `main`.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32
) -> Int32

var arguments = CommandLine.arguments
let name = arguments.count > 1 ? arguments.remove(at: 1) : ""
guard let callback = Harness.callback(name) else {
    let names = Harness.targets.joined(separator: "|")
    FileHandle.standardError.write(Data("usage: posrevoke-fuzz \(names) [libFuzzer options] [CORPUS_DIR...]\n".utf8))
    exit(2)
}
var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
var argc = Int32(arguments.count)
let status = cArguments.withUnsafeMutableBufferPointer { buffer in
    var argv = buffer.baseAddress
    return LLVMFuzzerRunDriver(&argc, &argv, callback)
}
exit(status)
