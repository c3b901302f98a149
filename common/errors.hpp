// The exception hierarchy shared by every dateline library: usage, bad input, environment.
#pragma once

#include <stdexcept>
#include <string>

namespace dateline::common {

/// Base of every exception dateline throws on purpose.
class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// The caller asked for something that cannot work (bad option, unknown language name).
/// Programs map it to exit status 2.
class UsageError : public Error {
  public:
    using Error::Error;
};

/// Input data that cannot be used (a malformed record, an unreadable date in strict mode).
/// Most bad input is reported as a value, not thrown; this is for whole inputs that are unusable.
class BadInputError : public Error {
  public:
    using Error::Error;
};

/// The environment failed: database cannot be opened, index from an incompatible version, I/O error.
class EnvironmentError : public Error {
  public:
    using Error::Error;
};

}  // namespace dateline::common
