extension LinkExtractor {
    /// The URLs of a `srcset`, split as the WHATWG "parse a srcset attribute"
    /// algorithm splits candidates: a URL runs to the next ASCII whitespace
    /// (so `a.png,b.png` is one URL and `data:` URLs keep their commas),
    /// trailing commas end it, and descriptors run to a comma outside
    /// parentheses (an unclosed one runs to the end of the attribute).
    ///
    /// Every candidate's URL is returned, also when its descriptors would
    /// not parse and a browser would drop it: the author linked it, so it is
    /// checked.
    static func candidates(inSrcset value: String) -> [String] {
        func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
        }
        let comma = UInt8(ascii: ","), open = UInt8(ascii: "("), close = UInt8(ascii: ")")
        let input = Array(value.utf8)
        var position = 0
        var urls: [String] = []
        while true {
            // Splitting loop: whitespace and commas between candidates.
            while position < input.count, isSpace(input[position]) || input[position] == comma { position += 1 }
            guard position < input.count else { return urls }
            let start = position
            while position < input.count, !isSpace(input[position]) { position += 1 }
            var end = position
            if input[end - 1] == comma {
                // "a.png," ends the candidate without descriptors.
                while end > start, input[end - 1] == comma { end -= 1 }
            } else {
                // Descriptor tokenizer: only where it ends matters here.
                var inParentheses = false
                while position < input.count {
                    let byte = input[position]
                    position += 1
                    if inParentheses {
                        if byte == close { inParentheses = false }
                    } else if byte == open {
                        inParentheses = true
                    } else if byte == comma {
                        break
                    }
                }
            }
            urls.append(String(decoding: input[start..<end], as: UTF8.self))
        }
    }
}
