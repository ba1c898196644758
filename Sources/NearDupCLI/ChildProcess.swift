#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import Foundation
import NearDupCore

/// Runs a program and measures it: exit status, standard output, wall-clock time and
/// peak resident memory (from `wait4`), for `neardup bench`.
struct ChildProcess {
  /// What a finished child reports.
  struct Outcome {
    var status: Int32
    var output: Data
    var seconds: Double
    /// Peak resident set size in bytes.
    var peakMemory: Int
  }

  /// The path of the running executable.
  static var currentExecutable: String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
  }

  /// Runs `executable arguments`, standard error inherited, standard output captured.
  static func run(_ executable: String, _ arguments: [String]) throws -> Outcome {
    var pipeEnds: [Int32] = [0, 0]
    guard pipe(&pipeEnds) == 0 else { throw ChildProcessError.cannotStart(String(cString: strerror(errno))) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
    posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid: pid_t = 0
    let clock = Stopwatch()
    let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
    close(pipeEnds[1])
    guard spawned == 0 else {
      close(pipeEnds[0])
      throw ChildProcessError.cannotStart(String(cString: strerror(spawned)))
    }
    var output = Data()
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = read(pipeEnds[0], &buffer, buffer.count)
      if count > 0 {
        output.append(contentsOf: buffer[0..<count])
      } else if count == 0 || errno != EINTR {
        break
      }
    }
    close(pipeEnds[0])
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    let exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    return Outcome(status: exitStatus, output: output, seconds: clock.elapsed, peakMemory: Int(usage.ru_maxrss) * 1024)
  }
}

enum ChildProcessError: Error, CustomStringConvertible {
  case cannotStart(String)
  case failed(command: String, status: Int32)

  var description: String {
    switch self {
    case .cannotStart(let reason): "cannot start a child process: \(reason)"
    case .failed(let command, let status): "\(command) failed with exit status \(status)"
    }
  }
}
