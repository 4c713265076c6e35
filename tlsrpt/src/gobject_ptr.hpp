// Ownership of GLib objects for GMime: one unref or g_free per reference we were given, on
// every path out, exceptions included.
#pragma once

#include <glib-object.h>

#include <memory>

namespace stslab::tlsrpt::detail {

struct GObjectUnref {
  void operator()(void* p) const {
    if (p) g_object_unref(p);
  }
};
template <typename T>
using GObjectPtr = std::unique_ptr<T, GObjectUnref>;

struct GFree {
  void operator()(void* p) const { g_free(p); }
};
using GCharPtr = std::unique_ptr<char, GFree>;

}  // namespace stslab::tlsrpt::detail
